"""Finding the knowledge base's terms in running text, with the span each was found at.

Why not :meth:`crossroads.kb.terms.Vocabulary.scan`: it reads one short field ("DLBCL, GCB
type") and forgets where each word was. A document needs the span of every term for provenance,
so :func:`keyed` builds the same comparison form as :func:`crossroads.kb.terms.term_key`
character by character and remembers, for each character of it, where it came from (a property
test holds the two equal). Regimens and medicines are looked up the way the knowledge base
compares their names (:func:`crossroads.kb.regimens.normalise_regimen`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from crossroads.kb import KnowledgeBase
from crossroads.kb.drug_list import drug_names
from crossroads.kb.models import Regimen
from crossroads.kb.regimens import load_regimens, normalise_regimen
from crossroads.kb.terms import Reading, Vocabulary, vocabulary

_PUNCT = set("()[]{},;:/\\|_'\"`“”‘’、，；：（）。·")
_HYPHENS = set("-\u2010\u2011\u2012\u2013\u2212")


def _cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


@dataclass(frozen=True)
class Keyed:
    """A text in term-key form, and the text offset each of its characters came from."""

    key: str
    origin: tuple[int, ...]  # one per character of key, plus the end of the text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The text span of key characters ``[start, end)`` (end > start)."""
        return self.origin[start], self.origin[end - 1] + 1


def keyed(text: str) -> Keyed:
    """``term_key(text)`` with the origin of each character (see the module note)."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for piece in _fold(char):
            chars.append(piece)
            origin.append(i)
    for i, char in enumerate(chars):
        if char in _PUNCT:
            chars[i] = " "
        elif char in _HYPHENS:
            before = chars[i - 1] if i else " "
            after = chars[i + 1] if i + 1 < len(chars) else " "
            chars[i] = " " if before.isalnum() and after.isalnum() else "-"
    out: list[str] = []
    where: list[int] = []
    pending_space = False
    for char, at in zip(chars, origin, strict=True):
        if char.isspace():
            pending_space = bool(out)
            continue
        if pending_space and not (_cjk(out[-1]) or _cjk(char)):
            out.append(" ")
            where.append(at)
        pending_space = False
        out.append(char)
        where.append(at)
    where.append(len(text))
    return Keyed("".join(out), tuple(where))


def _boundary(char: str) -> bool:
    return not (char.isascii() and char.isalnum())


@dataclass(frozen=True)
class TermHit:
    """A disease term found in a text: the text span and what the term says."""

    start: int
    end: int
    readings: tuple[Reading, ...]


@cache
def _prefixes(vocab_id: int, terms: frozenset[str]) -> frozenset[str]:
    return frozenset(term[:n] for term in terms for n in range(1, len(term) + 1))


def find_terms(kb: KnowledgeBase, text: str) -> list[TermHit]:
    """The disease terms of the knowledge base in ``text``, longest first at each place."""
    vocab: Vocabulary = vocabulary(kb)
    prefixes = _prefixes(id(vocab), frozenset(vocab.terms))
    k = keyed(text)
    key = k.key
    hits: list[TermHit] = []
    i = 0
    while i < len(key):
        found = None
        if key[i] != " " and (i == 0 or _boundary(key[i - 1]) or _boundary(key[i])):
            end = i + 1
            while end <= len(key) and key[i:end] in prefixes:
                piece = key[i:end]
                after_ok = end == len(key) or _boundary(key[end]) or _boundary(piece[-1])
                if piece in vocab.terms and vocab.terms[piece] and after_ok:
                    found = end
                end += 1
        if found is None:
            i += 1
            continue
        start, stop = k.span(i, found)
        hits.append(TermHit(start, stop, tuple(vocab.terms[key[i:found]])))
        i = found
    return hits


# -- regimens, medicines and CAR-T products ------------------------------------------------------
_TOKEN = re.compile(r"[A-Za-z0-9²][A-Za-z0-9²+]*(?:-[A-Za-z0-9²+]+)*")
_NUMBER = re.compile(r"[\d\-]+")  # a date or count: never a later word of a name
_JOIN = re.compile(r"[ \-/+&]{1,3}")  # what may stand between two words of one name


@dataclass(frozen=True)
class NameHit:
    """A regimen, medicine or product name found in a text."""

    start: int
    end: int
    kind: str  # "regimen", "drug" or "product"
    code: str


@dataclass(frozen=True)
class NameIndex:
    """Every regimen, medicine and CAR-T product name, by the regimen look-up key."""

    latin: dict[str, tuple[str, str]]  # key -> (kind, code)
    chinese: tuple[tuple[str, str, str], ...]  # (name, kind, code), longest first
    longest_tokens: int


def name_index(kb: KnowledgeBase, extra_regimens: tuple[str, ...] = ()) -> NameIndex:
    """The names of the regimens and medicines of this knowledge base (built once per state),
    and regimen names the knowledge base lacks yet (``extra_regimens``: their code is the name)."""
    cache_key = (id(kb), kb.fingerprint, extra_regimens)
    if cache_key in _INDEX:
        return _INDEX[cache_key]
    latin: dict[str, tuple[str, str]] = {}
    chinese: dict[str, tuple[str, str]] = {}
    words = 1

    def add(name: str, kind: str, code: str) -> None:
        nonlocal words
        name = name.strip()
        if not name:
            return
        if any(_cjk(c) for c in name):
            chinese.setdefault(name.split("（")[0].split("(")[0].strip() or name, (kind, code))
            return
        if len(normalise_regimen(name)) < 2:
            return  # one letter ("R" for rituximab) is never read on its own
        latin.setdefault(normalise_regimen(name), (kind, code))
        words = max(words, len(_TOKEN.findall(name)))

    for regimen in load_regimens().all:
        for name in _regimen_names(regimen):
            add(name, "regimen", regimen.code)
    for drug in kb.drugs.values():
        for name in drug_names(drug):
            add(name, "drug", drug.code)
    for name in extra_regimens:
        add(name, "regimen", name)
    index = NameIndex(
        latin, tuple((n, *chinese[n]) for n in sorted(chinese, key=len, reverse=True)), words
    )
    _INDEX[cache_key] = index
    return index


_INDEX: dict[tuple[int, str, tuple[str, ...]], NameIndex] = {}


def _regimen_names(regimen: Regimen) -> Iterator[str]:
    yield from (regimen.code, regimen.names.en, *regimen.aliases)
    zh = regimen.names.zh.split("（")[0].split("(")[0].strip()
    if zh and any(_cjk(c) for c in zh):
        yield zh


def _plausible(piece: str, kind: str) -> bool:
    """Whether a word is written the way the name is: a short name ("BR", "VRd", "ICE") only in
    capitals, a regimen never in lower case ("ice", "on" in a sentence are words), a medicine in
    lower case only when it is long ("rituximab")."""
    letters = [c for c in piece if c.isalpha()]
    if len(normalise_regimen(piece)) <= 2 and not any(c.isupper() for c in letters):
        return False
    lower = piece == piece.lower()
    if kind == "regimen":
        return not lower or len(normalise_regimen(piece)) >= 8
    return not lower or len(normalise_regimen(piece)) >= 5


def find_names(index: NameIndex, text: str, stop: frozenset[str] = frozenset()) -> list[NameHit]:
    """Regimen, medicine and product names in ``text``, in order, never overlapping.

    Latin names are tried on runs of up to a few words ("R CHOP", "Pola-R-CHP x6"), longest
    first, so "R-ICE" is not read as "ICE"; a lower-case word is a name only if it is a medicine
    or product (regimens are written in capitals: "ice" in a sentence is not ICE).
    """
    tokens = list(_TOKEN.finditer(text))
    joined = [
        bool(_JOIN.fullmatch(text[a.end() : b.start()])) and not _NUMBER.fullmatch(b.group(0))
        for a, b in itertools.pairwise(tokens)
    ]
    hits: list[NameHit] = []
    i = 0
    while i < len(tokens):
        hit = None
        last = i
        while last + 1 < min(len(tokens), i + index.longest_tokens) and joined[last]:
            last += 1
        for j in range(last, i - 1, -1):
            start, end = tokens[i].start(), tokens[j].end()
            piece = text[start:end]
            if piece in stop:
                continue
            found = index.latin.get(normalise_regimen(piece))
            if found is None:
                continue
            if not _plausible(piece, found[0]):
                continue
            hit = (NameHit(start, end, *found), j)
            break
        if hit is None:
            i += 1
            continue
        hits.append(hit[0])
        i = hit[1] + 1
    taken = [(h.start, h.end) for h in hits]
    by_name = {name: (kind, code) for name, kind, code in index.chinese}
    for match in _chinese_pattern(index.chinese).finditer(text):
        span = match.span()
        if any(a < span[1] and span[0] < b for a, b in taken):
            continue
        hits.append(NameHit(span[0], span[1], *by_name[match.group(0)]))
    return sorted(hits, key=lambda h: h.start)


@cache
def _chinese_pattern(names: tuple[tuple[str, str, str], ...]) -> re.Pattern[str]:
    """One expression for every Chinese name, longest first (compiled once per index)."""
    return re.compile("|".join(re.escape(name) for name, _kind, _code in names) or r"(?!x)x")


__all__ = [
    "Keyed",
    "NameHit",
    "NameIndex",
    "TermHit",
    "find_names",
    "find_terms",
    "keyed",
    "name_index",
]
