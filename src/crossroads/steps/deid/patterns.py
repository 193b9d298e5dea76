"""Generic patterns: identifiers any record may hold, whoever the person is.

E-mail addresses (also written ``name(at)example.com`` or ``name [at] example dot com``), links,
IP addresses, dates (also with two-digit years, 03/07/61), national identity and phone numbers
(a Chinese mobile number is removed whole), record numbers after a cue ("MRN 44719", 病历号),
codes with five or more digits, street addresses, hospital names, and names or places after cue
words such as "Dr", "sister", "lives in", 女儿 or 住在.

Why every quantifier is bounded or possessive: Python's regular expressions backtrack, and an
unbounded ``\\d+`` or ``[汉字]{2,}`` retried at every position of a long run of digits or
Chinese characters is quadratic (88 KB of notes took 34 s). With bounded or possessive
quantifiers the work at each position is bounded, so scrubbing is linear in the text's length.
"""

from __future__ import annotations

import functools
import re

from crossroads.steps.deid.facilities import EN_FACILITY, KNOWN_NAMES, ZH_FACILITY
from crossroads.steps.deid.trie import trie_pattern
from crossroads.steps.deid.vocab import (
    EN_CUES,
    HAN,
    LATIN,
    NAME_WORD,
    PLACE_CUES,
    STREET_WORDS,
    ZH_CUES,
    ZH_SURNAMES,
    ZH_TITLES,
    Rule,
    digit_count,
)

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
_S = r"\s{1,5}"
DATE_PATTERNS = (
    rf"(?<!\d){_YEAR}[-/.]{_MON}[-/.]{_DAY}(?!\d)",
    rf"(?<!\d){_DAY}[-/.]{_MON}[-/.]{_YEAR}(?!\d)",
    rf"(?<!\d){_MON}[-/.]{_DAY}[-/.]{_YEAR}(?!\d)",
    # two-digit years: 03/07/61, 3.7.61, 03-07-61 (day and month in either order)
    rf"(?<![A-Za-z0-9/.\-]){_DAY}(?P<sep>[-/.]){_DAY}(?P=sep)\d{{2}}(?![A-Za-z0-9/\-]|\.\d)",
    rf"(?<!\d){_YEAR}[-/.]{_MON}(?![\d.])",
    rf"(?<![\d.]){_MON}[-/.]{_YEAR}(?!\d)",
    rf"(?:{_YEAR}|(?<!\d)\d{{2}})\s{{0,3}}年\s{{0,3}}\d{{1,2}}\s{{0,3}}月(?:\s{{0,3}}\d{{1,2}}\s{{0,3}}[日号])?",
    r"\d{1,2}\s{0,3}月\s{0,3}\d{1,2}\s{0,3}[日号]",
    rf"\b(?:{_DAY}{_ORD}{_S})?{_MONTHS}(?:{_S}{_DAY}{_ORD})?,?{_S}(?:{_YEAR}|'\d{{2}})\b",
    rf"\b{_DAY}{_ORD}[-\s]{_MONTHS}[-\s]\d{{2}}\b",
    rf"\b{_MONTHS}{_S}{_DAY}{_ORD}\b",
    rf"\b{_DAY}{_ORD}{_S}{_MONTHS}(?![A-Za-z])",
)
_SEP_AT = (
    r"(?:\s{0,3}[(\[{<]\s{0,2}(?i:at|@)\s{0,2}[)\]}>]\s{0,3}|\s{1,3}(?i:at)\s{1,3}|\s{0,3}@\s{0,3})"
)
_SEP_DOT = r"(?:\.|\s{0,3}[(\[{<]\s{0,2}(?i:dot)\s{0,2}[)\]}>]\s{0,3}|\s{1,3}(?i:dot)\s{1,3})"
# An e-mail address written to dodge filters: the last label must be letters (a top-level
# domain), which keeps "seen at 10.30" and "given at 2.5 mg" out.
OBFUSCATED_EMAIL = (
    rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]++{_SEP_AT}[A-Za-z0-9\-]++"
    rf"(?:{_SEP_DOT}[A-Za-z0-9\-]++)++"
)
# A record number after a word that says it is one: "MRN 44719", "NHS no. 943 476 5919", 病历号.
_ID_CUES = (
    r"MRN|MR\s?#|medical\s+record(?:\s+(?:number|no\.?|#))?|record\s+(?:number|no\.?|#)|"
    r"hospital\s+(?:number|no\.?|id|#)|patient\s+(?:number|no\.?|id|#)|case\s+(?:number|no\.?|#)|"
    r"chart\s+(?:number|no\.?|#)|NHS(?:\s+(?:number|no\.?))?|ID|"
    r"病历号|住院号|门诊号|病案号|登记号|就诊卡号|医保卡?号|身份证号?|ID号|编号"
)
CUED_ID = (
    rf"(?<![A-Za-z])(?i:{_ID_CUES})\s{{0,3}}(?:[:#：=\-]|is|(?i:number|no\.?))?\s{{0,3}}"
    r"(?P<x>(?:[A-Za-z]{1,5}[\-\s]?)?\d(?:[\-\s]?\d){2,24}(?:-?[A-Za-z0-9]){0,6})"
    r"(?![A-Za-z0-9])"
)
# Stops at spaces, closing punctuation and Chinese text, which often follows a link directly.
_URL_CHARS = rf"[^\s.,;:!?)\]{HAN}\u3000-\u303f]"
CN_MOBILE = r"(?<!\d)(?<![\d+][\s\-])(?:\+?86[\s\-]{0,2})?1[3-9]\d(?:[\s\-]{0,2}\d){8}(?!\d)"


def _top_level_domain(matched: str) -> bool:
    last = re.split(r"[\s.)\]}>]", matched.rstrip())[-1]
    return 2 <= len(last) <= 24 and last.isascii() and last.isalpha()


def _id_like(text: str) -> bool:
    return digit_count(text) >= 5 and any(c.isalpha() for c in text)


def _known_facilities() -> str:
    body = trie_pattern(KNOWN_NAMES, rf"(?![{LATIN}])")
    assert body is not None  # a fixed, non-empty list
    return rf"(?<![{LATIN}]){body}"


@functools.cache
def generic_rules(extra_surnames: str) -> tuple[Rule, ...]:
    """The generic rules, in the order they run (earlier rules win)."""
    surnames = ZH_SURNAMES + extra_surnames
    rules = [
        Rule(
            re.compile(
                r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]++@[A-Za-z0-9\-]++(?:\.[A-Za-z0-9\-]++)++"
            ),
            "email",
        ),
        Rule(re.compile(OBFUSCATED_EMAIL), "email", _top_level_domain),
        Rule(
            re.compile(
                rf"(?:https?://|www\.)(?:{_URL_CHARS}++|[.,;:!?)\]]++(?={_URL_CHARS}))*+",
                re.IGNORECASE,
            ),
            "link",
        ),
        Rule(re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])"), "id"),
        Rule(re.compile(CUED_ID), "id"),
    ]
    rules += [Rule(re.compile(p, re.IGNORECASE), "date") for p in DATE_PATTERNS]
    rules += [
        Rule(re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"), "id"),
        Rule(
            re.compile(r"(?<![A-Za-z0-9+])\+?\d[\d\s().\-]{4,30}\d(?![A-Za-z0-9])"),
            "phone",
            lambda m: digit_count(m) >= 7,
        ),
        Rule(re.compile(CN_MOBILE), "phone"),
        Rule(
            re.compile(rf"(?<![{LATIN}])[A-Za-z0-9]++(?:[\-/][A-Za-z0-9]++)*+(?![{LATIN}])"),
            "id",
            _id_like,
        ),
        Rule(re.compile(r"(?<!\d)\d{6,}+(?!\d)"), "id"),
        Rule(
            re.compile(
                rf"(?<!\d)\d{{1,6}}[A-Za-z]?\s{{1,3}}(?:{NAME_WORD}\s{{1,3}}){{1,3}}"
                rf"(?:{STREET_WORDS})\b\.?"
            ),
            "address",
        ),
        Rule(
            re.compile(rf"[{HAN}]{{2,12}}(?:路|街|道|巷|弄)\s{{0,3}}\d{{1,6}}\s{{0,3}}号"),
            "address",
        ),
        # A UK-style postcode ("BF2 7QT"): the outward code, one space, a digit and two letters.
        # The space is required, so antigen names and stages ("CD19", "IIIA") never match.
        Rule(
            re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}(?![A-Za-z0-9])"),
            "address",
        ),
        Rule(re.compile(EN_FACILITY), "facility"),
        Rule(re.compile(ZH_FACILITY), "facility"),
        Rule(re.compile(_known_facilities(), re.IGNORECASE), "facility"),
        Rule(
            re.compile(
                rf"(?<![A-Za-z])(?i:{PLACE_CUES})\s{{1,5}}(?i:in|near|at|to)\s{{1,5}}"
                rf"(?P<x>{NAME_WORD}(?:\s{{1,3}}{NAME_WORD})?)"
            ),
            "address",
        ),
        Rule(re.compile(rf"(?:住在|家住|居住在|来自)(?P<x>[{HAN}]{{2,4}})"), "address"),
        Rule(
            re.compile(
                rf"(?<![A-Za-z])(?i:{EN_CUES})\.?\s{{1,5}}(?P<x>{NAME_WORD}(?:\s{{1,3}}{NAME_WORD})?)"
            ),
            "name",
        ),
        Rule(re.compile(rf"(?:{ZH_CUES})[：:\s]{{0,3}}(?P<x>[{surnames}][{HAN}]{{1,2}})"), "name"),
        Rule(re.compile(rf"(?P<x>[{surnames}])(?:{ZH_TITLES})"), "name"),
    ]
    return tuple(rules)


def runs_first(rule: Rule) -> bool:
    """E-mail addresses and links are removed whole before the record's own words, so
    "qz.vosk(at)example.net" goes as one address, not as a name and a leftover domain."""
    return rule.kind in ("email", "link")


def cue_rules(rules: tuple[Rule, ...]) -> list[Rule]:
    """The rules whose group ``x`` is a name or place worth learning for the whole record."""
    return [rule for rule in rules if "x" in rule.pattern.groupindex and rule.kind != "id"]


def facility_rules(rules: tuple[Rule, ...]) -> list[Rule]:
    """The rules that find hospital names, to learn the record's own facilities."""
    return [rule for rule in rules if rule.kind == "facility"]


__all__ = [
    "DATE_PATTERNS",
    "OBFUSCATED_EMAIL",
    "cue_rules",
    "facility_rules",
    "generic_rules",
    "runs_first",
]
