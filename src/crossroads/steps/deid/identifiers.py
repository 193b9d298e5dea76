"""The record's own identifiers, in the spellings people actually use.

Why: generic patterns cannot know that "Orsolya" is a name or that "ZX7730-4412" is this person's
pathology number. The record can: its name, contact details, record numbers, city, dates, and
the names, places and hospitals its own free text mentions after cue words ("his sister Orsolya",
"treated at Ruijin Hospital"). Each becomes a literal matched anywhere, in its variants: names by
part, record numbers and phones with any separators (also en dashes and non-breaking hyphens,
which the normalised view folds to "-") or as bare digits, phones also in national form, dates in
every common layout including two-digit years, hospitals also without their generic word.

All literals go into one trie-shaped pattern (``trie.py``), so a record that teaches the scrubber
thousands of words still scrubs in linear time.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crossroads.common.dates import PartialDate
from crossroads.record.case import Case
from crossroads.steps.deid.facilities import facility_parts
from crossroads.steps.deid.normalise import normal_form
from crossroads.steps.deid.trie import code_key, code_tokens, trie_from_tokens, trie_pattern
from crossroads.steps.deid.vocab import (
    LATIN,
    NAME_PARTICLES,
    STREET_WORDS,
    ZH_PLACE_ENDS,
    Matcher,
    Rule,
    WordSet,
    digit_count,
    han_runs,
    literal_key,
)

_LATIN_WORD = re.compile(rf"[{LATIN}]+")


def name_parts(name: str) -> list[str]:
    """A name, its Chinese given name, and each word (and hyphen part) of two letters or more."""
    parts = [name]
    for run in han_runs(name):
        parts.append(run)
        if len(run) >= 3:
            parts.append(run[1:])  # the given name
    for word in re.findall(rf"[{LATIN}'’\-]+", name):
        pieces = [word, *word.split("-")]
        parts += [p for p in pieces if len(p) >= 2 and p.lower() not in NAME_PARTICLES]
    return parts


def address_parts(address: str) -> list[str]:
    """An address, each comma-separated part, Chinese place names with and without 市/区/路,
    and each capitalised word that is not a street word."""
    parts = [address]
    for chunk in re.split(r"[,，;；\n]+", address):
        chunk = chunk.strip()
        if len(chunk) >= 2:
            parts.append(chunk)
        for run in han_runs(chunk):
            for piece in re.findall(rf"[^{ZH_PLACE_ENDS}]+[{ZH_PLACE_ENDS}]?", run):
                if len(piece) >= 2:
                    parts.append(piece)
                    if piece[-1] in ZH_PLACE_ENDS and len(piece) >= 3:
                        parts.append(piece[:-1])
        for word in re.findall(rf"[A-Z][{LATIN}'’\-]{{3,}}", chunk):
            if not re.fullmatch(STREET_WORDS, word, re.IGNORECASE):
                parts.append(word)
    return parts


def date_forms(date: PartialDate) -> list[str]:
    """A known date as people write it: ISO, slashes, dots, dashes, two-digit years, Chinese,
    month names."""
    if date.month is None:
        return []  # a bare year is not an identifying date element (Safe Harbor keeps years)
    y, m = date.year, date.month
    yy = f"{y % 100:02d}"
    name, short = calendar.month_name[m], calendar.month_abbr[m]
    forms = [f"{y}-{m:02d}", f"{y}/{m:02d}", f"{y}年{m}月", f"{name} {y}", f"{short} {y}"]
    forms += [f"{m:02d}/{y}", f"{m}/{y}", f"{y}.{m:02d}", f"{y}年{m:02d}月"]
    if date.day is not None:
        d = date.day
        forms += [
            f"{y}-{m:02d}-{d:02d}",
            f"{y}/{m:02d}/{d:02d}",
            f"{y}.{m:02d}.{d:02d}",
            f"{y}{m:02d}{d:02d}",
            f"{y}年{m}月{d}日",
            f"{y}年{m:02d}月{d:02d}日",
            f"{yy}年{m}月{d}日",
            f"{d} {name} {y}",
            f"{d} {short} {y}",
            f"{name} {d}, {y}",
            f"{short} {d}, {y}",
            f"{d}-{short}-{y}",
            f"{d}-{short}-{yy}",
        ]
        for day, month in ((d, m), (m, d)):  # day first and month first
            for sep in "/.-":
                for a, b in ((f"{day:02d}", f"{month:02d}"), (str(day), str(month))):
                    forms += [f"{a}{sep}{b}{sep}{y}", f"{a}{sep}{b}{sep}{yy}"]
    return forms


def case_dates(case: Case, with_birth_date: bool = True) -> list[PartialDate]:
    """Every date in the record (the birth date first)."""
    found: list[PartialDate | None] = [
        case.patient.birth_date if with_birth_date else None,
        case.diagnosis.diagnosed,
        case.disease_status.last_progression,
        case.assessment_date,
        case.decision.edited,
    ]
    for line in case.lines or []:
        found += [line.start, line.end, line.progression]
    found += [t.date for t in case.transplants or []]
    found += [c.date for c in case.prior_cellular_therapy or []]
    found += [a.due for a in case.actions or []]
    return [d for d in found if d is not None]


def strings(value: Any) -> Iterable[str]:
    """Every string in nested data, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def free_text_fields(case: Case) -> list[tuple[str, str]]:
    """Every piece of free text in the record, with the field it sits in."""
    fields: list[tuple[str, str | None]] = [
        ("notes", case.notes),
        ("review.specific_question", case.review.specific_question),
        ("diagnosis.stage", case.diagnosis.stage),
    ]
    fields += [(f"lines[{i}].regimen", line.regimen) for i, line in enumerate(case.lines or [])]
    fields += [
        (f"prior_cellular_therapy[{i}].product", c.product)
        for i, c in enumerate(case.prior_cellular_therapy or [])
    ]
    fields += [(f"preferences.fears[{i}]", f) for i, f in enumerate(case.preferences.fears or [])]
    for i, entry in enumerate(case.supportive_care or []):
        fields += [(f"supportive_care[{i}].name", entry.name)]
        fields += [(f"supportive_care[{i}].purpose", entry.purpose)]
    fields += [
        (f"decision.sentences.{key}", value)
        for key, value in case.decision.sentences.model_dump().items()
    ]
    fields += [(f"actions[{i}].title", a.title) for i, a in enumerate(case.actions or [])]
    fields += [("extensions", text) for text in strings(case.extensions)]
    return [(where, text) for where, text in fields if text]


def _learned(
    case: Case, cue_rules: Sequence[Rule], facility_rules: Sequence[Rule]
) -> list[tuple[str, str]]:
    """Names, places and hospitals found anywhere in the record, to scrub them everywhere.

    "his sister Orsolya" in the notes teaches the scrubber that "Orsolya" is a name, so a fear
    that says "leaving Orsolya alone" is scrubbed too; "Ruijin Hospital" teaches it "Ruijin".
    """
    found: list[tuple[str, str]] = []
    texts = [normal_form(text) for _, text in free_text_fields(case)]
    systems = [normal_form(n.system) for n in case.patient.record_numbers if n.system]
    for text in texts:
        for rule in cue_rules:
            for match in rule.pattern.finditer(text):
                if rule.kind == "name":
                    found += [(part, "name") for part in name_parts(match.group("x"))]
                else:
                    found.append((match.group("x"), rule.kind))
    for text in [*texts, *systems]:
        for rule in facility_rules:
            for match in rule.pattern.finditer(text):
                found += [(part, "facility") for part in facility_parts(match.group(0))]
    return found


def _phone_variants(phone: str) -> list[str]:
    """The phone's digits, and in national form for a "+CC" number: "+44 7911 …" -> "07911 …"."""
    digits = "".join(c for c in phone if c.isdigit())
    variants = [digits]
    if phone.lstrip().startswith("+"):
        for size in (1, 2, 3):
            rest = digits[size:]
            if len(rest) >= 7:
                variants += [rest, "0" + rest]
    return variants


def record_literals(
    case: Case, cue_rules: Sequence[Rule] = (), facility_rules: Sequence[Rule] = ()
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The record's identifiers: literals (matched as words) and codes (matched loosely)."""
    literals = _learned(case, cue_rules, facility_rules)
    loose: list[tuple[str, str]] = []
    patient = case.patient
    if patient.name:
        literals += [(p, "name") for p in name_parts(normal_form(patient.name))]
    contact = patient.contact
    if contact is not None:
        if contact.email:
            email = normal_form(contact.email)
            literals.append((email, "email"))
            local = email.split("@")[0]
            if len(local) >= 4:
                literals.append((local, "email"))
            literals += [(p, "name") for p in re.split(r"[._+\-]", local) if len(p) >= 3]
        if contact.phone:
            phone = normal_form(contact.phone)
            literals.append((phone, "phone"))
            loose += [(v, "phone") for v in _phone_variants(phone) if len(v) >= 4]
        if contact.address:
            literals += [(p, "address") for p in address_parts(normal_form(contact.address))]
    for number in patient.record_numbers:
        value = normal_form(number.value)
        literals.append((value, "id"))
        if sum(c.isalnum() for c in value) >= 3:
            loose.append((value, "id"))
        if digit_count(value) >= 5:
            loose.append(("".join(c for c in value if c.isdigit()), "id"))
    if patient.city:
        literals += [(p, "address") for p in address_parts(normal_form(patient.city))]
    for date in case_dates(case):
        literals += [(form, "date") for form in date_forms(date)]
    return literals, loose


def record_rules(
    case: Case, cue_rules: Sequence[Rule] = (), facility_rules: Sequence[Rule] = ()
) -> list[Matcher]:
    """Patterns for the identifiers this record holds: one trie for words with Latin letters or
    digits (matched as whole words), one for Chinese ones, then each code loosely."""
    literals, loose = record_literals(case, cue_rules, facility_rules)
    kinds: dict[str, str] = {}
    for text, kind in literals:
        key = literal_key(text)
        if key:
            kinds.setdefault(key, kind)
    single = {key: kind for key, kind in kinds.items() if _LATIN_WORD.fullmatch(key)}
    latin = [
        k for k in kinds if k not in single and (re.search(rf"[{LATIN}]", k) or not han_runs(k))
    ]
    han = [k for k in kinds if k not in single and k not in latin]
    rules: list[Matcher] = []
    latin_body = trie_pattern(latin, rf"(?![{LATIN}])")
    if latin_body is not None:
        pattern = re.compile(rf"(?<![{LATIN}]){latin_body}")
        rules.append(Rule(pattern, "name", kinds=kinds, lower=True))
    if single:
        rules.append(WordSet(single))
    han_body = trie_pattern(han)
    if han_body is not None:
        rules.append(Rule(re.compile(han_body), "name", kinds=kinds, lower=True))
    code_kinds: dict[str, str] = {}
    for text, kind in loose:
        code_kinds.setdefault(code_key(text), kind)
    codes = trie_from_tokens((code_tokens(text) for text in code_kinds), rf"(?![{LATIN}])")
    if codes is not None:
        pattern = re.compile(rf"(?<![{LATIN}]){codes}")
        rules.append(Rule(pattern, "id", kinds=code_kinds, key=code_key, lower=True))
    return rules


__all__ = [
    "address_parts",
    "case_dates",
    "date_forms",
    "free_text_fields",
    "name_parts",
    "record_literals",
    "record_rules",
    "strings",
]
