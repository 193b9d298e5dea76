"""Identifiers in the text of a record document, for its redacted copy in the specialist packet.

Why a finder of its own on top of the packet's :class:`~crossroads.steps.deid.scrub.Scrubber`:
a record document is laid out as a form. Its header says who the person is after a label
("Patient: Daniel Okafor", "Name: …", 姓名：…) and who signed it after another ("Signed: Dr. A.
Patel", 诊断医师：李明), often with initials the packet's cue words do not expect, and its first
lines name the facility. So this finder runs the scrubber (the record's own identifiers, then
every generic pattern: ID and record numbers, phones, addresses, facilities, dates) and adds:

- names after a form label, in English and Chinese, also with initials;
- every name and facility found so, wherever else the document repeats it ("Mr Okafor", the
  hospital's name without "Hospital").

It returns spans, not text: :func:`crossroads.records.redact.redact` blacks out their boxes on
the page images. :func:`redact_document` joins the two.
"""

from __future__ import annotations

import re

from crossroads.record.case import Case
from crossroads.records.intake import CheckedDocument
from crossroads.records.redact import Redacted, Span, redact
from crossroads.steps.deid.identifiers import name_parts
from crossroads.steps.deid.scrub import Scrubber
from crossroads.steps.deid.vocab import HAN, KINDS, LATIN, NAME_WORD

_INITIALS = r"(?:[A-Z]\.\s{0,3})*"
_PERSON = rf"{_INITIALS}{NAME_WORD}(?:[ \t\u00a0]{{1,3}}{_INITIALS}{NAME_WORD}){{0,2}}"
_TITLE = r"(?:(?i:dr|mr|mrs|ms|miss|prof)\.?\s{1,3})"
_EN_LABELS = (
    r"patient(?:'s)?(?:\s+name)?|name|signed(?:\s+by)?|reported\s+by|verified\s+by|"
    r"authori[sz]ed\s+by|requested\s+by|referring\s+(?:doctor|physician)|consultant|"
    r"physician|pathologist|radiologist"
)
_ZH_LABELS = (
    r"姓\s?名|患者姓名|病人姓名|医师|医生|签名|签字|报告人|报告者|审核人|审核者|检验者|检验人|"
    r"送检医生|申请医生|主治医师|经治医师|记录人"
)
_ONE_LINE = frozenset({"facility", "address"})
_KEEP_WORDS = frozenset(
    {"Central", "General", "Regional", "University", "Department", "Pathology", "Oncology"}
)
# Facilities as record documents name them in their header, beyond the packet's generic words:
# "Beacon Bone Marrow Transplant Unit", "Summit Oncology Associates", "Northshore Imaging Centre".
_CAP = rf"(?:[A-Z][{LATIN}'’.&\-]{{0,30}})"
_LINE_FACILITIES = (
    re.compile(
        rf"(?<![{LATIN}])(?:{_CAP}[ \t]{{1,3}}(?:(?:and|of|the|&)[ \t]{{1,3}})?){{1,6}}"
        r"(?:Centre|Center|Unit|Program(?:me)?|Associates|Laborator(?:y|ies)|Partners|Practice|"
        rf"Group|Institute|Foundation|Trust)(?![{LATIN}])"
    ),
)
LABEL_RULES = (
    re.compile(rf"(?<![A-Za-z])(?i:{_EN_LABELS})\s{{0,3}}[:：]\s{{0,3}}{_TITLE}?(?P<x>{_PERSON})"),
    re.compile(rf"(?<![A-Za-z]){_TITLE}(?P<x>(?:[A-Z]\.\s{{0,3}})+{NAME_WORD})"),
    re.compile(rf"(?:{_ZH_LABELS})\s{{0,3}}[：:]\s{{0,3}}(?P<x>[{HAN}]{{2,4}}?)(?![{HAN}])"),
    re.compile(rf"(?:{_ZH_LABELS})\s{{0,3}}[：:]\s{{0,3}}(?P<x>[{HAN}]{{2,3}})(?=\s|性别|年龄)"),
)


class DocumentFinder:
    """Finds identifiers in a document's text: the packet scrubber's, form labels' and every
    repetition of a name or facility found (see the module docstring). Called with a text, it
    returns the spans in order, overlapping ones joined."""

    def __init__(self, case: Case | None = None) -> None:
        self._scrubber = Scrubber(case or Case(), {kind: kind for kind in KINDS})

    def __call__(self, text: str) -> list[Span]:
        # Dates, numbers and names may wrap onto the next line, so the scrubber reads the whole
        # text; a facility or place name never spans two lines of a form, and reading one over a
        # line break would take the title above it ("Discharge Summary / Lakeside Medical
        # Centre"), so those come from each line alone.
        spans = [
            span
            for span in self._scrubber.spans(text)
            if span[2] not in _ONE_LINE or "\n" not in text[span[0] : span[1]]
        ]
        offset = 0
        for line in text.splitlines(keepends=True):
            spans += [
                (offset + start, offset + end, kind)
                for start, end, kind in self._scrubber.spans(line)
                if kind in _ONE_LINE
            ]
            for rule in _LINE_FACILITIES:
                spans += [
                    (offset + m.start(), offset + m.end(), "facility") for m in rule.finditer(line)
                ]
            offset += len(line)
        for rule in LABEL_RULES:
            for match in rule.finditer(text):
                start, end = match.span("x")
                spans.append((start, end, "name"))
        spans = [span for span in spans if not _clinical(text, span)]
        learned: dict[str, str] = {}
        for start, end, kind in spans:
            found = text[start:end].strip()
            if kind == "name":
                learned.update((p, kind) for p in name_parts(found) if len(p) >= 2)
            elif kind == "facility":
                # a Chinese name is learned whole: its parts ("造血干细胞" of a transplant
                # centre's name) are often clinical words
                # whole too, and in English its first distinctive word ("Lakeside"), not the
                # rest, which names a specialty ("Imaging", "Transplant") a report also uses
                learned[found] = kind
                if not re.fullmatch(rf"[{HAN}]+", found):
                    first = re.match(rf"[{LATIN}'’\-]+", found)
                    if first and len(first[0]) >= 4 and first[0] not in _KEEP_WORDS:
                        learned[first[0]] = kind
        for part in sorted(learned, key=len, reverse=True):
            latin = bool(re.search(rf"[{LATIN}]", part))
            edge = rf"(?<![{LATIN}])" if latin else ""
            tail = rf"(?![{LATIN}])" if latin else ""
            for match in re.finditer(edge + re.escape(part) + tail, text):
                spans.append((match.start(), match.end(), learned[part]))
        return _joined(spans)


def _clinical(text: str, span: Span) -> bool:
    """A "facility" that is a clinical word: 生发中心型 (germinal centre type) ends in 中心."""
    _, end, kind = span
    return kind == "facility" and text[end : end + 2].startswith(("型", "亚型"))


def _joined(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end, kind in sorted(spans):
        if out and start < out[-1][1]:
            last_start, last_end, last_kind = out[-1]
            out[-1] = (last_start, max(end, last_end), last_kind)
        else:
            out.append((start, end, kind))
    return out


def redact_document(document: CheckedDocument, case: Case | None = None) -> Redacted:
    """The redacted copy of a document for the specialist packet; ``case`` (the person's record,
    when known) teaches the finder the person's own name, numbers, address and dates."""
    return redact(document, DocumentFinder(case))


__all__ = ["LABEL_RULES", "DocumentFinder", "redact_document"]
