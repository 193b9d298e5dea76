"""The public references behind the knowledge base, and the resolver from source lines to them.

Why: while the facts were gathered, each ``source`` was written as a pointer into the research
notes ("ZUMA-7 (alternatives.md §1, ref 1); TRANSFORM (refs 4, 5)", "cart-products.md Y3").
Those pointers are good provenance for reviewers, but a patient needs the public work itself:
who published it, its title, the year, and a DOI or address to open it (issue 14). The
bibliography (``kb/data/bibliography.yaml``) lists each public reference once, with the dossier
pointers that name it, so that every existing source line resolves to public references without
rewriting it. A fact may name its references directly with ``refs: [id, ...]``; that wins.

The parser is narrow on purpose: a code counts only after "ref"/"refs", or inside a bracket that
names a notes file or holds nothing but codes, and only when the bibliography knows it for the
file in force. A regimen called "R2", a marker such as "CD19" or a correction code ("correction
E4", "second check (E7)") is never read as a reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.base import DATA_DIR, read_yaml, validate_as
from crossroads.kb.loader import cached
from crossroads.kb.models import Confidence, Data

BIBLIOGRAPHY_FILE = "bibliography.yaml"
TitleFrom = Literal["publication", "dossier", "url", "crossroads"]
_ID = r"^[a-z0-9][a-z0-9-]*$"
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID = re.compile(r"^\d{6,9}$")
_PMCID = re.compile(r"^PMC\d+$")
_POINTER = re.compile(r"^[\w-]+\.(?:md|txt)(?: (?:correction )?[A-Za-z0-9]+)?$")


class Reference(Data):
    """One public work: a paper, a label, a regulator notice, a news report, a web page."""

    id: str = Field(pattern=_ID, description="Short and stable, e.g. zuma-7-nejm-2022")
    dossier: list[str] = Field(
        default_factory=list,
        description="The notes' pointers naming this work, e.g. 'alternatives.md 6', "
        "'cart-products.md Y3'; source lines that use them resolve here",
    )
    authors: str | None = None
    issuer: str | None = Field(None, description="Who published it when no authors are given")
    title: str = Field(min_length=2)
    title_from: TitleFrom = "dossier"
    title_zh: str | None = Field(None, description="The work's own Chinese title, where one exists")
    journal: str | None = None
    citation: str | None = Field(None, description="Journal, volume and pages as printed")
    year: int | None = Field(None, ge=1950, le=2100)
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    other_urls: list[str] = Field(default_factory=list)
    confidence: Confidence
    note: str | None = None

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is not None and not _DOI.match(value):
            raise ValueError(f"'{value}' is not a DOI (10.NNNN/...)")
        return value

    @field_validator("pmid")
    @classmethod
    def _pmid(cls, value: str | None) -> str | None:
        if value is not None and not _PMID.match(value):
            raise ValueError(f"'{value}' is not a PubMed id (6 to 9 digits)")
        return value

    @field_validator("pmcid")
    @classmethod
    def _pmcid(cls, value: str | None) -> str | None:
        if value is not None and not _PMCID.match(value):
            raise ValueError(f"'{value}' is not a PubMed Central id (PMC and digits)")
        return value

    @field_validator("dossier")
    @classmethod
    def _pointers(cls, value: list[str]) -> list[str]:
        for pointer in value:
            if not _POINTER.match(pointer):
                raise ValueError(
                    f"dossier pointer '{pointer}' is not 'file.md CODE' (e.g. 'alternatives.md 6')"
                )
        return value

    @property
    def link(self) -> str | None:
        """The one address to open it: the DOI first (stable), then PubMed, then the URL read."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.pmcid:
            return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/"
        return self.url

    @property
    def public(self) -> bool:
        """Whether a reader can find it: it has a DOI, a PubMed id or an address."""
        return self.link is not None

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang.startswith("zh") and self.title_zh else self.title

    def who(self) -> str | None:
        return self.authors or self.issuer


class Header(Data):
    release: str
    as_of: dt.date


class BibliographyFile(Data):
    header: Header
    references: list[Reference]

    @model_validator(mode="after")
    def _unique(self) -> BibliographyFile:
        ids: set[str] = set()
        pointers: dict[str, str] = {}
        for ref in self.references:
            if ref.id in ids:
                raise ValueError(f"reference id '{ref.id}' is used twice")
            ids.add(ref.id)
            for pointer in ref.dossier:
                other = pointers.setdefault(pointer, ref.id)
                if other != ref.id:
                    raise ValueError(f"dossier pointer '{pointer}' names both {other} and {ref.id}")
        return self


@dataclass(frozen=True)
class Pointer:
    """One pointer found in a source line: the notes file and the code (None: a whole file)."""

    file: str
    code: str | None

    @property
    def key(self) -> str:
        return f"{self.file} {self.code}" if self.code else self.file


@dataclass(frozen=True)
class Resolution:
    """What a source line names: the public references found and the pointers that found none."""

    references: tuple[Reference, ...]
    unresolved: tuple[Pointer, ...]
    explicit: bool = False


class Bibliography:
    """Every public reference, by id and by dossier pointer."""

    def __init__(self, data: BibliographyFile) -> None:
        self.release = data.header.release
        self.as_of = data.header.as_of
        self.references: dict[str, Reference] = {r.id: r for r in data.references}
        self.by_pointer: dict[str, Reference] = {p: r for r in data.references for p in r.dossier}

    def __len__(self) -> int:
        return len(self.references)

    def get(self, ident: str) -> Reference:
        """The entry with this id; an unknown id is a KnowledgeBaseError naming it."""
        try:
            return self.references[ident]
        except KeyError:
            raise KnowledgeBaseError(
                f"{BIBLIOGRAPHY_FILE}: no reference with id '{ident}'; add it there or fix the "
                "fact's refs"
            ) from None

    def knows(self, file: str, code: str) -> bool:
        return f"{file} {code}" in self.by_pointer

    def resolve(self, source: str, refs: Sequence[str] = ()) -> Resolution:
        """The public references behind a source line (explicit ``refs`` win), in order."""
        if refs:
            return Resolution(tuple(self.get(i) for i in refs), (), explicit=True)
        found: list[Reference] = []
        unresolved: list[Pointer] = []
        for pointer in pointers(source, self):
            ref = self.by_pointer.get(pointer.key)
            if ref is None:
                if pointer.code is not None:
                    unresolved.append(pointer)
            elif ref not in found:
                found.append(ref)
        return Resolution(tuple(found), tuple(unresolved))


# --- the pointer parser --------------------------------------------------------------------

_FILE = r"[\w-]+\.(?:md|txt)"
_CODE = r"[A-Z]{1,2}\d+[a-z]?\d?|\d+[a-z]?\d?"
_TOKEN = re.compile(
    rf"(?P<file>\b{_FILE}\b)"
    r"|(?P<corr>\bcorrections?\b|\bsecond check\b)"
    r"|(?P<refkw>\brefs?\b\.?)"
    rf"|(?P<range>\b(?:{_CODE})\s*[-–]\s*(?:{_CODE})\b)"
    rf"|(?P<code>(?<![\w.§/-])(?:{_CODE})(?![\w/]|\.\d))"
    r"|(?P<open>[(（])|(?P<close>[)）])|(?P<semi>[;；])|(?P<sec>§[\d.]+[a-z]?)"
)
_CODE_ONLY = re.compile(
    rf"^\s*(?:refs?\.?\s*)?(?:{_CODE})(?:\s*(?:,|and|&|[-–])\s*(?:refs?\.?\s*)?(?:{_CODE}))*\s*$"
)
_SPLIT = re.compile(r"^([A-Z]{0,2})(\d+)([a-z]?)(\d?)$")


def _expand(first: str, last: str) -> list[str]:
    """``65c-65e`` as 65c, 65d, 65e; ``R46-R48`` as R46, R47, R48; anything else as both ends."""
    a, b = _SPLIT.match(first), _SPLIT.match(last)
    if not a or not b or a.group(1) != b.group(1):
        return [first, last]
    if a.group(2) == b.group(2) and a.group(3) and b.group(3) and not a.group(4):
        letters = range(ord(a.group(3)), ord(b.group(3)) + 1)
        return [f"{a.group(1)}{a.group(2)}{chr(c)}" for c in letters] or [first, last]
    if (
        not a.group(3)
        and not b.group(3)
        and int(a.group(2)) < int(b.group(2)) <= int(a.group(2)) + 20
    ):
        return [f"{a.group(1)}{n}" for n in range(int(a.group(2)), int(b.group(2)) + 1)]
    return [first, last]


def _bracket_contents(text: str) -> list[tuple[int, int]]:
    """Start and end of each innermost-or-outer bracket, for the "codes only" test."""
    spans, stack = [], []
    for i, char in enumerate(text):
        if char in "(（":
            stack.append(i)
        elif char in ")）" and stack:
            spans.append((stack.pop() + 1, i))
    return spans


def pointers(source: str, bibliography: Bibliography | None = None) -> list[Pointer]:
    """The dossier pointers in a source line, in order.

    The notes file in force is the last one named (a later "(refs 4, 5)" belongs to the
    "alternatives.md" before it). A code counts after "ref"/"refs" (until the next semicolon or
    bracket end), inside a bracket that names a notes file or holds only codes, and never after
    "correction" or "second check". With a bibliography, a code it does not know for the file is
    kept only when it was written after "ref" (so that a wrong number shows up in ``kb check``).
    """
    code_only = [(a, b) for a, b in _bracket_contents(source) if _CODE_ONLY.match(source[a:b])]
    file: str | None = None
    depth = 0
    file_brackets: set[int] = set()  # depths of open brackets that named a notes file
    mode: str | None = None  # "ref" after ref/refs, "corr" after correction/second check
    found: list[Pointer] = []

    def in_code_only(pos: int) -> bool:
        return any(a <= pos < b for a, b in code_only)

    def knows(code: str) -> bool:
        return bibliography is None or (file is not None and bibliography.knows(file, code))

    def add(code: str, pos: int) -> None:
        if file is None:
            return
        if mode == "corr":  # a correction code names the check, unless its source is listed
            code = f"correction {code}"
            if not knows(code):
                return
        else:
            strong = mode == "ref"
            boxed = depth in file_brackets or in_code_only(pos)
            if code[0].isdigit() and not (strong or boxed):
                return  # a bare number counts only as "ref 6", "(76b)" or "(file.md, 78d)"
            if not knows(code) and not strong:
                return
        pointer = Pointer(file, code)
        if pointer not in found:
            found.append(pointer)

    for match in _TOKEN.finditer(source):
        kind = match.lastgroup
        value = match.group(kind or 0)
        if kind == "file":
            file = value
            mode = None
            if depth:
                file_brackets.add(depth)
            if Pointer(file, None) not in found:
                found.append(Pointer(file, None))
        elif kind == "corr":
            mode = "corr"
        elif kind == "refkw":
            mode = "ref"
        elif kind == "open":
            depth += 1
            if mode == "corr":  # "second check (E3)": the bracket names the check
                file_brackets.discard(depth)
        elif kind == "close":
            file_brackets.discard(depth)
            depth = max(0, depth - 1)
            mode = None
        elif kind == "semi":
            mode = None
        elif kind == "range":
            first, last = re.split(r"\s*[-–]\s*", value)
            for code in _expand(first, last):
                add(code, match.start())
        elif kind == "code":
            add(value, match.start())
    return found


# --- loading -------------------------------------------------------------------------------


def read_bibliography(path: Path) -> Bibliography:
    """The bibliography file validated; a wrong field is a KnowledgeBaseError naming it."""
    return Bibliography(validate_as(BibliographyFile, read_yaml(path), path.name))


def load_bibliography(data_dir: Path | None = None) -> Bibliography:
    """The bibliography of a knowledge-base folder, read once per process per file state."""
    path = (data_dir or DATA_DIR) / BIBLIOGRAPHY_FILE
    return cached("bibliography", [path], lambda: read_bibliography(path))


def resolve(source: str, refs: Iterable[str] = (), data_dir: Path | None = None) -> Resolution:
    """Shorthand: :meth:`Bibliography.resolve` on the default bibliography."""
    return load_bibliography(data_dir).resolve(source, tuple(refs))


__all__ = [
    "BIBLIOGRAPHY_FILE",
    "Bibliography",
    "Pointer",
    "Reference",
    "Resolution",
    "load_bibliography",
    "pointers",
    "read_bibliography",
    "resolve",
]
