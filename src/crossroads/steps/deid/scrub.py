"""The scrubber: removes identifiers from free text, the record's own first, then generic ones.

Why it works on spans of a normalised view: matching runs on the Unicode-normalised view of the
text (``normalise.py``), so look-alike spellings cannot slip through, while the output keeps the
original spelling of everything that is not removed. Each rule runs once over the whole text (a
fixed number of passes, each linear); a span one rule removes is masked with a placeholder of the
same length, so later rules neither match inside it nor shift its offsets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crossroads.kb.review_data import PacketFile
from crossroads.record.case import Case
from crossroads.steps.deid.identifiers import record_rules
from crossroads.steps.deid.normalise import normalise, strip_invisible
from crossroads.steps.deid.patterns import cue_rules, facility_rules, generic_rules, runs_first
from crossroads.steps.deid.vocab import KINDS, Matcher, Span, han_runs

_MASK = "\ue000"  # a private-use character: no rule matches it as a letter, digit or space


class Scrubber:
    """Removes identifiers from free text: the record's own, then generic patterns."""

    def __init__(self, case: Case, marks: Mapping[str, str]) -> None:
        surname = ""
        if case.patient.name:
            runs = han_runs(case.patient.name)
            surname = runs[0][0] if runs else ""
        generic = generic_rules(surname)
        own = record_rules(case, cue_rules(generic), facility_rules(generic))
        first = [rule for rule in generic if runs_first(rule)]
        rest = [rule for rule in generic if not runs_first(rule)]
        self._rules: tuple[Matcher, ...] = (*first, *own, *rest)
        self._marks = dict(marks)
        self._marks.setdefault("facility", self._marks.get("address", "[place]"))

    def __call__(self, text: str) -> str:
        out: list[str] = []
        pos = 0
        for start, end, kind in self.spans(text):
            out += [text[pos:start], self._marks[kind]]
            pos = end
        out.append(text[pos:])
        return strip_invisible("".join(out))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where the identifiers are in ``text`` (original offsets, in order, overlaps joined)
        and what kind each is: for a caller that removes them itself, such as the redaction of a
        page image, which blacks out the boxes of these characters."""
        view = normalise(text)
        found = self._spans(view.text)
        return _merged((*view.original_span(s, e), k) for s, e, k in found)

    def _spans(self, view: str) -> list[Span]:
        """Where each rule matched in the view, and what kind of identifier it found."""
        spans: list[Span] = []
        for rule in self._rules:
            found = rule.find(view)
            if not found:
                continue
            spans += found
            pieces, pos = [], 0
            for start, end, _ in found:
                pieces += [view[pos:start], _MASK * (end - start)]
                pos = end
            pieces.append(view[pos:])
            view = "".join(pieces)
        return spans

    def scrub_value(self, value: Any) -> Any:
        """Scrub every string in nested data (keys too); numbers are scrubbed as text."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            text = str(value)
            scrubbed = self(text)
            return value if scrubbed == text else scrubbed
        if isinstance(value, Mapping):
            return {self(str(k)): self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub_value(v) for v in value]
        return self(str(value))


def _merged(spans: Any) -> list[tuple[int, int, str]]:
    """Spans in order, overlapping ones joined (the longest one's kind names the join)."""
    out: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans):
        if out and start < out[-1][1]:
            last_start, last_end, last_kind = out[-1]
            longer = kind if end - start > last_end - last_start else last_kind
            out[-1] = (last_start, max(end, last_end), longer)
        else:
            out.append((start, end, kind))
    return out


def redaction_marks(packet: PacketFile, lang: str) -> dict[str, str]:
    """The mark that replaces each kind of identifier, in the packet's language."""
    marks = packet.redacted
    return {kind: getattr(marks, kind).get(lang) for kind in KINDS}


__all__ = ["Scrubber", "redaction_marks"]
