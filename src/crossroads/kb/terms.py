"""Reading a diagnosis and organ problems as people write them, with the knowledge base's words.

Why: case files written by others say "IgG kappa", "MCL classic", "PTCL", "DLBCL, GCB type" or
"弥漫大B细胞淋巴瘤", not Crossroads codes. Refusing them loses a real history; guessing could
turn an unknown into a wrong answer. So a text is read word by word against the aliases of
``diseases.yaml`` (and the fillers and organ names of ``terms.yaml``): what is recognised becomes
codes, what is not is kept as written in ``diagnosis.details`` and named in a warning, and a
disease or subtype that cannot be told for sure stays unknown ("needs information").

Rules of the reading, each tested in ``tests/kb/test_terms.py``:

- A disease or subtype code written exactly (any case) is taken as it is.
- Otherwise the text is scanned left to right, taking the longest term at each place, as whole
  words (Chinese has no spaces, so a Chinese term needs no word boundary).
- The disease field decides the disease. When it names none, or only "another cancer", the
  subtype field may (``disease: other, subtype: Hodgkin lymphoma`` is Hodgkin lymphoma).
- A term that fits several diseases ("lung": an MZL site or lung cancer) decides nothing itself;
  it is read under the disease the rest decides.
- Terms of one or two characters ("k" for kappa, "3b") are read only under a disease named
  elsewhere, except that a two-character one may name the disease when nothing else does.
- A subtype written under another disease it is counted with (FL grade 3B under follicular
  lymphoma; ``read_from`` in diseases.yaml) moves the disease, with a note.
- Two different subtypes, or two values of one qualifier, are not chosen between: both stay
  unknown, with a warning.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from crossroads.common.errors import Problem
from crossroads.common.messages import close_matches
from crossroads.kb.base import DATA_DIR, KnowledgeBase, read_model
from crossroads.kb.check import Finding, cited_findings
from crossroads.kb.loader import cached
from crossroads.kb.models import Data

TERMS_FILE = DATA_DIR / "terms.yaml"
OTHER = "other"  # the disease code of "another cancer"
SHORT = 2  # a term this long or shorter is read only where a disease is named elsewhere


class TermsHeader(Data):
    release: str
    as_of: dt.date


class TermsFile(Data):
    header: TermsHeader
    fillers: list[str] = Field(default_factory=list)
    organs: dict[str, list[str]] = Field(default_factory=dict)


def term_key(text: str) -> str:
    """The form terms are compared in.

    No case or accents; brackets, commas, colons and slashes are spaces; a hyphen between two
    letters or digits is a space ("Ph-negative" is "ph negative") but one that ends a word stays
    ("Ph-", "Ph+"); spaces next to Chinese characters go ("弥漫大 B 细胞" is "弥漫大b细胞").
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    chars = list(plain)
    for i, char in enumerate(chars):
        if char in "()[]{},;:/\\|_'\"`“”‘’、，；：（）。·":
            chars[i] = " "
        elif char in "-\u2010\u2011\u2012\u2013\u2212":
            before = chars[i - 1] if i else " "
            after = chars[i + 1] if i + 1 < len(chars) else " "
            chars[i] = " " if before.isalnum() and after.isalnum() else "-"
    words = "".join(chars).split()
    out = ""
    for word in words:
        if out and not (_cjk(out[-1]) or _cjk(word[0])):
            out += " "
        out += word
    return out


def _cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _boundary(char: str) -> bool:
    """Whether a term may end or start next to this character (a whole-word match)."""
    return not (char.isascii() and char.isalnum())


@dataclass(frozen=True, slots=True)
class Reading:
    """What one term says: a disease, and maybe a subtype or one qualifier value."""

    disease: str
    subtype: str | None = None
    qualifier: tuple[str, str] | None = None
    read_from: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    text: str
    readings: tuple[Reading, ...]  # empty for a filler word

    @property
    def short(self) -> bool:
        return len(self.text.replace(" ", "")) <= SHORT

    def diseases(self) -> set[str]:
        return {r.disease for r in self.readings}


@dataclass
class Vocabulary:
    """Every term of the knowledge base, by its :func:`term_key`."""

    terms: dict[str, list[Reading]] = field(default_factory=dict)
    longest: int = 0
    organs: dict[str, str] = field(default_factory=dict)

    def add(self, text: str, reading: Reading | None) -> None:
        key = term_key(text)
        if not key:
            return
        readings = self.terms.setdefault(key, [])
        self.longest = max(self.longest, len(key))
        if reading is None or reading in readings:
            return
        plain = Reading(reading.disease)
        if reading == plain and any(r.disease == reading.disease for r in readings):
            return  # the term already says more about this disease (the code "cll" is a subtype)
        if plain in readings:
            readings.remove(plain)
        readings.append(reading)

    def scan(self, text: str) -> tuple[list[Match], str]:
        """The terms found in a text, longest first at each place, and what was left over."""
        key = term_key(text)
        found: list[Match] = []
        left: list[str] = []
        i = 0
        while i < len(key):
            hit = None
            if key[i] != " " and (i == 0 or _boundary(key[i - 1]) or _boundary(key[i])):
                for end in range(min(len(key), i + self.longest), i, -1):
                    piece = key[i:end]
                    if piece in self.terms and (end == len(key) or _ends(piece, key[end])):
                        hit = piece
                        break
            if hit is None:
                left.append(key[i])
                i += 1
                continue
            found.append(Match(hit, tuple(self.terms[hit])))
            left.append(" ")
            i += len(hit)
        return found, " ".join("".join(left).split())


def _ends(piece: str, after: str) -> bool:
    """A latin term must end at a word boundary; one ending in a Chinese character need not."""
    return _boundary(after) or _boundary(piece[-1])


def vocabulary(kb: KnowledgeBase, path: Path | None = None) -> Vocabulary:
    """The terms of this knowledge base, built once per process for the state of its files."""
    file = path or TERMS_FILE
    return cached("terms", [file], lambda: _build(kb, file), kb.cache_key)


def _build(kb: KnowledgeBase, file: Path) -> Vocabulary:
    data = read_model(file, TermsFile)
    vocab = Vocabulary()
    for word in data.fillers:
        vocab.add(word, None)
    for disease in kb.diseases.values():
        for text in (disease.code, disease.name.en, disease.name.zh, *disease.aliases):
            vocab.add(text, Reading(disease.code))
        for code, subtype in disease.subtypes.items():
            reading = Reading(disease.code, code, read_from=frozenset(subtype.read_from))
            for text in (code, subtype.name.en, subtype.name.zh, *subtype.aliases):
                vocab.add(text, reading)
        for key, qualifier in disease.qualifiers.items():
            for code, value in qualifier.values.items():
                reading = Reading(disease.code, value.subtype, (key, code))
                for text in (code, value.name.en, value.name.zh, *value.aliases):
                    vocab.add(text, reading)
    for organ, words in data.organs.items():
        for word in (organ, *words):
            vocab.organs[term_key(word)] = organ
    return vocab


# -- the diagnosis ------------------------------------------------------------------------------
@dataclass
class DiagnosisReading:
    """Codes read from a written diagnosis, what was kept as written, and the warnings."""

    disease: str | None = None
    subtype: str | None = None
    qualifiers: dict[str, str] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # what was not understood
    notes: list[Problem] = field(default_factory=list)  # read, but not as written


@dataclass
class _Field:
    """One field of the written diagnosis, scanned."""

    where: str
    text: str
    matches: list[Match]
    left: str

    def decided(self, *, short: bool = False) -> set[str]:
        """Diseases its terms name for sure (a term that fits several decides nothing)."""
        return {
            next(iter(m.diseases()))
            for m in self.matches
            if len(m.diseases()) == 1 and m.short == short
        }


def read_diagnosis(
    kb: KnowledgeBase,
    disease: str | None,
    subtype: str | None,
    qualifiers: Mapping[str, str] | None = None,
) -> DiagnosisReading:
    """Read the disease, subtype and qualifiers as written into codes (see the module rules)."""
    vocab = vocabulary(kb)
    out = DiagnosisReading()
    fields: list[_Field] = []
    chosen: str | None = None
    if disease is not None:
        exact = _exact_disease(kb, disease)
        if exact is not None:
            chosen = exact
        else:
            fields.append(_Field("diagnosis.disease", disease, *vocab.scan(disease)))
    subtype_exact = None
    if subtype is not None:
        subtype_exact = _exact_subtype(kb, chosen, subtype)
        if subtype_exact is None:
            fields.append(_Field("diagnosis.subtype", subtype, *vocab.scan(subtype)))
    chosen, note = _choose_disease(kb, chosen, fields, subtype_exact)
    if note is not None and chosen is not None:
        out.notes.append(note)
    elif note is not None:
        out.warnings.append(note)
    out.disease = chosen
    subtypes: set[str] = set()
    implied: set[str] = set()
    values: dict[str, set[str]] = {}
    if subtype_exact is not None and subtype_exact[0] == chosen:
        subtypes.add(subtype_exact[1])
    elif subtype_exact is not None and subtype is not None:
        out.details.append(subtype.strip())
        out.warnings.append(_not_of(kb, "diagnosis.subtype", subtype, chosen))
    for fld in fields:
        unread = [fld.left] if fld.left else []
        for match in fld.matches:
            reading = _reading_for(match, chosen)
            if reading is None:
                if match.readings:
                    unread.append(match.text)
                continue
            if reading.qualifier is not None:
                values.setdefault(reading.qualifier[0], set()).add(reading.qualifier[1])
                if reading.subtype:
                    implied.add(reading.subtype)
            elif reading.subtype:
                subtypes.add(reading.subtype)
        _warn_unread(kb, out, fld, unread, chosen)
    said = any(w.location == "diagnosis.disease" for w in out.warnings)
    if chosen is None and disease is not None and disease.strip() and not said:
        out.details.insert(0, disease.strip())
        out.warnings.append(
            Problem(
                "diagnosis.disease",
                f"'{disease.strip()}' does not say which disease it is; it is kept as written "
                "in diagnosis.details and the disease stays unknown.",
                "Write the disease named in the pathology report, e.g. DLBCL, follicular "
                "lymphoma, mantle cell lymphoma, B-ALL or myeloma.",
            )
        )
    for key, text in (qualifiers or {}).items():
        code = _qualifier_value(kb, chosen, key, text)
        if code is None:
            out.details.append(f"{key}: {text}")
            out.warnings.append(
                Problem(
                    f"diagnosis.qualifiers.{key}",
                    f"'{text}' was not read as a {key} of this disease; it is kept as written.",
                )
            )
        else:
            values.setdefault(key, set()).add(code)
    out.subtype = _one_subtype(kb, out, subtypes or implied, chosen)
    for key, found in sorted(values.items()):
        if len(found) == 1:
            out.qualifiers[key] = found.pop()
        else:
            out.warnings.append(
                Problem(
                    "diagnosis",
                    f"the {_qualifier_name(kb, chosen, key)} is written as "
                    f"{' and '.join(sorted(found))}; it stays unknown until one is confirmed.",
                )
            )
    return out


def _exact_disease(kb: KnowledgeBase, text: str) -> str | None:
    code = text.strip().lower()
    return code if code in kb.diseases else None


def _exact_subtype(kb: KnowledgeBase, disease: str | None, text: str) -> tuple[str, str] | None:
    """A subtype code written exactly: of the disease chosen, or of the one disease holding it
    when none is chosen (anything else is scanned as words)."""
    code = text.strip().lower()
    if disease is not None:
        return (disease, code) if code in kb.diseases[disease].subtypes else None
    holders = [d.code for d in kb.diseases.values() if code in d.subtypes]
    return (holders[0], code) if len(holders) == 1 else None


def _aliases_of(kb: KnowledgeBase, disease: str) -> set[str]:
    found = {term_key(a) for a in kb.diseases[disease].aliases}
    for sub in kb.diseases[disease].subtypes.values():
        found |= {term_key(a) for a in sub.aliases}
    for qualifier in kb.diseases[disease].qualifiers.values():
        for value in qualifier.values.values():
            found |= {term_key(a) for a in value.aliases}
    return found


def _choose_disease(
    kb: KnowledgeBase,
    chosen: str | None,
    fields: list[_Field],
    subtype_exact: tuple[str, str] | None,
) -> tuple[str | None, Problem | None]:
    disease_field = next((f for f in fields if f.where == "diagnosis.disease"), None)
    subtype_field = next((f for f in fields if f.where == "diagnosis.subtype"), None)
    if chosen is None and disease_field is not None:
        named = disease_field.decided() or disease_field.decided(short=True)
        if len(named) > 1:
            return None, Problem(
                "diagnosis.disease",
                f"'{disease_field.text}' names more than one disease ("
                + ", ".join(kb.code_name(d) for d in sorted(named))
                + "); the disease stays unknown until the pathology report settles it.",
            )
        chosen = named.pop() if named else None
    from_subtype: set[str] = set()
    if subtype_field is not None:
        from_subtype = subtype_field.decided() or subtype_field.decided(short=True)
    elif subtype_exact is not None:
        from_subtype = {subtype_exact[0]}
    if chosen in (None, OTHER) and len(from_subtype) == 1:
        return from_subtype.pop(), None
    if chosen is not None and subtype_field is not None:
        moved = {
            r.disease
            for m in subtype_field.matches
            if chosen not in m.diseases()
            for r in m.readings
            if chosen in r.read_from
        }
        if len(moved) == 1:
            target = moved.pop()
            return target, Problem(
                "diagnosis.subtype",
                f"'{subtype_field.text}' is read as {kb.code_name(target)}, the disease it is "
                f"counted with on the CAR-T labels, not as {kb.code_name(chosen)}.",
                note=True,
            )
    return chosen, None


def _reading_for(match: Match, disease: str | None) -> Reading | None:
    if disease is None:
        return None
    fits = [r for r in match.readings if r.disease == disease]
    return fits[0] if len(fits) == 1 else None


def _warn_unread(
    kb: KnowledgeBase, out: DiagnosisReading, fld: _Field, unread: list[str], chosen: str | None
) -> None:
    if not unread:
        return
    out.details.append(fld.text.strip())
    if any(w.location == fld.where for w in out.warnings):
        return  # already said (it names more than one disease)
    read = [m.text for m in fld.matches if m.readings and _reading_for(m, chosen) is not None]
    rest = ", ".join(f"'{u}'" for u in unread)
    if read:
        message = (
            f"only part of '{fld.text}' was read (as {kb.code_name(chosen or '')}); {rest} "
            "is kept as written in diagnosis.details."
        )
    elif chosen is None:
        message = (
            f"'{fld.text}' is not a disease Crossroads recognises; it is kept as written in "
            "diagnosis.details and the disease stays unknown."
        )
    else:
        message = (
            f"'{fld.text}' was not read as a subtype of {kb.code_name(chosen)}; it is kept as "
            "written in diagnosis.details and the subtype stays unknown."
        )
    out.warnings.append(Problem(fld.where, message, _hint(kb, fld.text, chosen)))


def _hint(kb: KnowledgeBase, text: str, disease: str | None) -> str:
    if disease is None:
        names = {term_key(a): a for d in kb.diseases.values() for a in (d.code, *d.aliases)}
        example = "Write it as the pathology report does, e.g. DLBCL, follicular lymphoma, myeloma."
    else:
        names = {
            term_key(a): a for a in (*kb.diseases[disease].subtypes, *_aliases_of(kb, disease))
        }
        example = ""
    matches = close_matches(term_key(text), names)
    if matches:
        return "Did you mean " + ", ".join(repr(names[m]) for m in matches) + "?"
    return example


def _not_of(kb: KnowledgeBase, where: str, text: str, disease: str | None) -> Problem:
    of = kb.code_name(disease) if disease else "a disease the record names"
    return Problem(
        where,
        f"'{text.strip()}' is not a subtype of {of}; it is kept as written in "
        "diagnosis.details and the subtype stays unknown.",
    )


def _one_subtype(
    kb: KnowledgeBase, out: DiagnosisReading, found: set[str], disease: str | None
) -> str | None:
    if len(found) <= 1:
        return next(iter(found), None)
    names = " and ".join(kb.code_name(s) for s in sorted(found))
    out.warnings.append(
        Problem(
            "diagnosis.subtype",
            f"the record names two subtypes ({names}); the subtype stays unknown until the "
            "pathology report settles it.",
        )
    )
    return None


def _qualifier_value(kb: KnowledgeBase, disease: str | None, key: str, text: str) -> str | None:
    if disease is None or key not in kb.diseases[disease].qualifiers:
        return None
    values = kb.diseases[disease].qualifiers[key].values
    wanted = term_key(text)
    for code, value in values.items():
        if wanted in {term_key(code), *(term_key(a) for a in (*value.aliases, value.name.en))}:
            return code
    return None


def _qualifier_name(kb: KnowledgeBase, disease: str | None, key: str) -> str:
    if disease is not None and key in kb.diseases[disease].qualifiers:
        return kb.diseases[disease].qualifiers[key].name.en
    return key.replace("_", " ")


def qualifier_text(kb: KnowledgeBase, disease: str, key: str, value: str, lang: str = "en") -> str:
    """A qualifier in plain words, e.g. "light chain: kappa" (the codes if the data has none)."""
    qualifier = kb.diseases[disease].qualifiers.get(key) if disease in kb.diseases else None
    if qualifier is None or value not in qualifier.values:
        return f"{key.replace('_', ' ')}: {value}"
    return f"{qualifier.name.get(lang)}: {qualifier.values[value].name.get(lang)}"


# -- organs -------------------------------------------------------------------------------------
def organ_code(kb: KnowledgeBase, text: str) -> str | None:
    """The organ code of a word people write for an organ ("renal", "肺"), or None."""
    return vocabulary(kb).organs.get(term_key(text))


# -- knowledge-base check -------------------------------------------------------------------------
def findings(kb: KnowledgeBase, today: dt.date | None = None) -> list[Finding]:
    """Terms that could not be read as written: a qualifier implying a subtype its disease lacks,
    a ``read_from`` naming no disease, or one term meaning two things within one disease; and
    the qualifiers' citations (stale or uncertain ones)."""
    found: list[Finding] = []
    for disease in kb.diseases.values():
        where = f"diseases.yaml: {disease.code}"
        for key, qualifier in disease.qualifiers.items():
            found += cited_findings(
                f"{where}.qualifiers.{key}", qualifier, today or dt.date.today()
            )
        for code, subtype in disease.subtypes.items():
            for other in subtype.read_from:
                if other not in kb.diseases:
                    found.append(Finding("error", f"{where}.{code}", f"read_from {other!r}?"))
        for key, qualifier in disease.qualifiers.items():
            for code, value in qualifier.values.items():
                if value.subtype is not None and value.subtype not in disease.subtypes:
                    found.append(
                        Finding(
                            "error",
                            f"{where}.qualifiers.{key}.{code}",
                            f"{value.subtype!r} is not a subtype of {disease.code}",
                        )
                    )
    for term, readings in vocabulary(kb).terms.items():
        for disease_code in {r.disease for r in readings}:
            mine = {r for r in readings if r.disease == disease_code}
            if len(mine) > 1:
                found.append(
                    Finding(
                        "error",
                        f"diseases.yaml: {disease_code}",
                        f"the term {term!r} means two things within one disease",
                    )
                )
    return found


__all__ = [
    "DiagnosisReading",
    "Reading",
    "findings",
    "organ_code",
    "qualifier_text",
    "read_diagnosis",
    "term_key",
    "vocabulary",
]
