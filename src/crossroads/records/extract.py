"""Proposals for the case record, read from a document's text by rules and dictionaries.

Why rules and the knowledge base's words, not a language model: every proposal must point to the
exact text it came from and be explainable in one sentence ("the date after 'diagnosed'"); the
work runs with no network; and a reviewer can correct a rule or add a word. A proposal is never
written into a case by itself: :mod:`crossroads.records.apply` writes only what a person accepted.

How a document is read (each rule tested in ``tests/records/test_extract.py``):

- The text of each page is flattened (layout line breaks joined) and cut into segments: sentences
  (。；; and ". ") and table rows (a line break before a capital letter).
- Dates are found (:mod:`crossroads.records.dates`) and each is given a meaning by the nearest cue
  word before it in its clause, or just after it (Chinese writes 2023年3月确诊): diagnosis,
  relapse or progression, start, end, or a date to ignore (birth, admission, report).
- The diagnosis is the first run of disease terms after a diagnosis label (诊断, Diagnosis), read
  into codes by :func:`crossroads.kb.terms.read_diagnosis`; without a label, the first run of
  terms that names one disease, with lower confidence.
- Each regimen (or anticancer medicine given alone, with dates) starts a treatment line; its
  window runs to the next regimen, medicine, transplant or CAR-T in the segment. Dates in the
  window give the start and end (a range, cue words, or two bare dates in a table row), and the
  first response word gives the best response (the next sentence may give it).
- A transplant or CAR-T is proposed only when it was done: no negation or plan before it ("not
  eligible for", "拟行", "evaluation for"), and a date or a word saying it was given.
- ECOG, LVEF, eGFR, CD19 and BCMA results are read after their labels.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, cast

from crossroads.kb import KnowledgeBase
from crossroads.kb.regimens import load_regimens
from crossroads.kb.terms import read_diagnosis
from crossroads.records.dates import DateHit, find_dates
from crossroads.records.match import find_names, find_terms, name_index
from crossroads.records.text import DocumentText, Flat, PageText, Provenance, flatten
from crossroads.records.words import Words, load_words, phrase_pattern

Value = str | int | float | bool
Lang = Literal["en", "zh-Hans"]
Category = Literal["diagnosis", "relapse", "start", "end", "ignore"]

# Confidence of each rule: how often such a reading is right on the test corpus and in review;
# shown to the person beside each proposal, never used to accept anything.
CONFIDENCE = {
    "kind": 0.8,
    "diagnosis_labelled": 0.9,
    "diagnosis_unlabelled": 0.6,
    "date_cued": 0.85,
    "date_range": 0.9,
    "date_bare": 0.6,
    "response": 0.8,
    "regimen": 0.9,
    "event": 0.8,
    "measure": 0.9,
    "antigen": 0.85,
}


@dataclass(frozen=True)
class Proposal:
    """One value for the case record, where it was read, and how sure the rule is.

    ``field`` is the record path without a list index (``lines.start``); ``entry`` names the list
    item a value belongs to (the regimen ``R-CHOP``, the transplant type, the CAR-T target), since
    its index in a case is known only when it is added. ``path`` joins the two for display.
    """

    field: str
    value: Value
    provenance: Provenance
    confidence: float
    entry: str | None = None

    @property
    def path(self) -> str:
        if self.entry is None:
            return self.field
        head, _, tail = self.field.partition(".")
        return f"{head}[{self.entry}].{tail}"


@dataclass(frozen=True)
class Extraction:
    """What was read from one document: its kind, its language, and the proposals."""

    text: DocumentText
    kind: str | None
    lang: Lang
    proposals: tuple[Proposal, ...]

    @property
    def needs_ocr(self) -> bool:
        return self.text.needs_ocr


# -- compiled vocabulary -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Patterns:
    words: Words
    kinds: dict[str, re.Pattern[str]]
    diagnosis_label: re.Pattern[str]
    cues: dict[str, re.Pattern[str]]
    responses: list[tuple[str, re.Pattern[str]]]
    transplants: dict[str, re.Pattern[str]]
    cart: re.Pattern[str]
    negation: re.Pattern[str]
    affirmation: re.Pattern[str]
    ecog: re.Pattern[str]
    lvef: re.Pattern[str]
    egfr: re.Pattern[str]
    antigen: re.Pattern[str]
    positive: frozenset[str]
    negative: frozenset[str]


_COMPILED: dict[int, _Patterns] = {}


def _labels(phrases: Iterable[str]) -> str:
    parts = sorted({re.escape(p).replace(r"\ ", r"\s*") for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(parts) + ")"


def _patterns(words: Words) -> _Patterns:
    if id(words) in _COMPILED:
        return _COMPILED[id(words)]
    number_gap = r"\s*(?:[(（]\s*[A-Za-z]+\s*[)）])?\s*(?:[:：=]|was|of|is|为)?\s*"
    signs = sorted({*words.antigen_positive, *words.antigen_negative}, key=len, reverse=True)
    sign = "|".join(
        re.escape(s) + (r"(?![A-Za-z0-9])" if s[-1].isascii() and s[-1].isalnum() else "")
        for s in signs
    )
    compiled = _Patterns(
        words=words,
        kinds={k: phrase_pattern(v.all()) for k, v in words.kinds.items()},
        diagnosis_label=phrase_pattern(words.diagnosis_labels.all()),
        cues={k: phrase_pattern(v.all()) for k, v in words.date_cues.items()},
        responses=[
            (code, phrase_pattern(names, exact_case_below=4))
            for code, names in words.responses.items()
        ],
        transplants={k: phrase_pattern(v) for k, v in words.transplants.items()},
        cart=phrase_pattern(words.cart_words),
        negation=phrase_pattern(words.negations.all()),
        affirmation=phrase_pattern(words.affirmations.all()),
        ecog=re.compile(
            _labels(words.ecog_labels)
            + r"\s*(?:[(（]?\s*ps\s*[)）]?)?\s*(?:[:：=]|评分|score|of|was|is|为)?\s*(?P<v>[0-4])"
            r"(?!\d|\.\d)\s*(?:分)?",
            re.IGNORECASE,
        ),
        lvef=re.compile(
            r"(?<![A-Za-z])"
            + _labels(words.lvef_labels)
            + number_gap
            + r"(?P<v>\d{1,2}(?:\.\d)?)\s*%",
            re.IGNORECASE,
        ),
        egfr=re.compile(
            r"(?<![A-Za-z])"
            + _labels(words.egfr_labels)
            + number_gap
            + r"(?P<v>\d{1,3}(?:\.\d+)?)(?!\d|\.\d|\s*%)",
            re.IGNORECASE,
        ),
        antigen=re.compile(
            r"(?<![A-Za-z0-9])(?P<a>CD19|BCMA)\s*(?:expression|表达)?\s*[:：]?\s*"
            rf"(?P<s>{sign})(?!\s*CAR)(?![\-−]?[A-Za-z0-9])",
            re.IGNORECASE,
        ),
        positive=frozenset(s.lower() for s in words.antigen_positive),
        negative=frozenset(s.lower() for s in words.antigen_negative),
    )
    _COMPILED[id(words)] = compiled
    return compiled


# -- pages and segments --------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[。；;！？!?]|\.(?=\s+[A-Z0-9\u2e80-\u9fff])|\n(?![a-z0-9])")
_SOFT_BEFORE = re.compile(r"(?:\b(?:in|on|of|from|to|at|since|until|and|with|for|by)|[,(–\-])$")
_CLAUSE = re.compile(r"[，,]")
_NUMBERED = re.compile(r"[\-−]\d")
_CLAUSE_OR_STOP = re.compile(r"[，,;；。]")
_CONDITIONING = re.compile(r"conditioning|预处理", re.IGNORECASE)
_MAINTENANCE = re.compile(r"\s*(?:maintenance|维持)", re.IGNORECASE)
# a relapse cue that reaches over the line it names: "progression on Pola-BR on 2025-08-20"
_OVER_EVENT = re.compile(r"\s*(?:on|after|during|while on|following|于|后)?\s*$", re.IGNORECASE)


@dataclass
class _Page:
    number: int
    page: PageText
    flat: Flat
    segments: list[tuple[int, int]]
    dates: list[DateHit] = field(default_factory=list)
    categories: dict[int, tuple[Category, int] | None] = field(default_factory=dict)
    owners: dict[int, int] = field(default_factory=dict)  # date key -> start of its event

    @property
    def text(self) -> str:
        return self.flat.text

    def segment_of(self, at: int) -> tuple[int, int]:
        for start, end in self.segments:
            if start <= at < end:
                return start, end
        return 0, len(self.text)


def _segments(text: str) -> list[tuple[int, int]]:
    cuts = [0]
    for match in _SENTENCE_END.finditer(text):
        if match.group(0) == "." and re.search(
            r"(?:^|[^\w.])\d{1,2}$", text[max(0, match.start() - 3) : match.start()]
        ):
            continue  # a list number ("1. DLBCL"), not the end of a sentence
        if match.group(0) == "\n" and _SOFT_BEFORE.search(
            text[max(0, match.start() - 8) : match.start()]
        ):
            continue  # a line wrapped after "in", "from", a comma: the sentence goes on
        cuts.append(match.end())
    cuts.append(len(text))
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


_NEAR = 90  # characters: a date farther from a treatment than this is not its date


def _date_key(hit: DateHit) -> int:
    return hit.start * 2 + (hit.range_end == "end")


class _Reader:
    """One document being read: its pages, the vocabulary, and the proposals so far."""

    def __init__(self, kb: KnowledgeBase, text: DocumentText, words: Words) -> None:
        self.kb = kb
        self.doc = text
        self.p = _patterns(words)
        self.names = name_index(kb, tuple(words.supplement.regimens))
        self.regimens = {r.code: r for r in load_regimens().all}
        self.stop = frozenset(words.not_names)
        self.supportive = {
            code for code, drug in kb.drugs.items() if "supportive_care" in drug.classes
        }
        self.pages: list[_Page] = []
        for page in text.pages:
            flat = flatten(page.text)
            self.pages.append(_Page(page.number, page, flat, _segments(flat.text)))
        self.out: list[Proposal] = []

    def source(self, page: _Page, start: int, end: int) -> Provenance:
        a, b = page.flat.span(start, end)
        return Provenance(
            self.doc.document.id,
            self.doc.document.name,
            page.number,
            a,
            b,
            page.page.text[a:b],
            page.page.box_of(a, b),
        )

    def propose(
        self,
        name: str,
        value: Value,
        page: _Page,
        span: tuple[int, int],
        rule: str,
        entry: str | None = None,
    ) -> None:
        self.out.append(Proposal(name, value, self.source(page, *span), CONFIDENCE[rule], entry))

    # -- dates ------------------------------------------------------------------------------------
    def classify_dates(self, page: _Page, events: list[tuple[int, int]]) -> None:
        page.dates = find_dates(page.text)
        text = page.text
        for i, hit in enumerate(page.dates):
            seg_start, seg_end = page.segment_of(hit.start)
            low = max(seg_start, hit.start - 50)
            if i and page.dates[i - 1].end <= hit.start:
                low = max(low, page.dates[i - 1].end)
            low = max([low, *(e for _s, e in events if e <= hit.start)])
            clause = max((m.end() for m in _CLAUSE.finditer(text, low, hit.start)), default=low)
            if any(_cjk(c) for c in text[clause : hit.start]):
                low = clause  # a Chinese cue stays within its clause
            high = min(seg_end, hit.end + 8)
            if i + 1 < len(page.dates):
                high = min(high, page.dates[i + 1].start)
            comma = _CLAUSE.search(text, hit.end, high)
            high = comma.start() if comma else high
            best: tuple[int, Category, int] | None = None
            for name, pattern in self.p.cues.items():
                category = cast(Category, name)
                for before in pattern.finditer(text, low, hit.start):
                    distance = hit.start - before.end()
                    if best is None or distance < best[0]:
                        best = (distance, category, before.start())
                after = pattern.search(text, hit.end, high)
                if after is not None:
                    distance = after.start() - hit.end
                    if best is None or distance < best[0]:
                        best = (distance, category, after.start())
            if best is None:
                best = self._over_event(page, hit, events, seg_start)
            page.categories[_date_key(hit)] = (best[1], best[2]) if best else None

    def _over_event(
        self, page: _Page, hit: DateHit, events: list[tuple[int, int]], seg_start: int
    ) -> tuple[int, Category, int] | None:
        """A relapse cue just before the line the date follows ("progression on Pola-BR on
        2025-08-20", "R-ICE 后进展于 ..."), when nothing nearer says what the date is."""
        prior = [e for e in events if e[1] <= hit.start and e[0] >= seg_start]
        if not prior:
            return None
        start, end = prior[-1]
        between = page.text[end : hit.start]
        if len(between) > 12 or _CLAUSE.search(between):
            return None
        head = page.text[max(seg_start, start - 30) : start]
        for match in self.p.cues["relapse"].finditer(head):
            if _OVER_EVENT.match(head[match.end() :]):
                return (0, "relapse", max(seg_start, start - 30) + match.start())
        return None

    def category(self, page: _Page, hit: DateHit) -> Category | None:
        found = page.categories.get(_date_key(hit))
        return found[0] if found else None

    # -- kind and language ---------------------------------------------------------------------
    def kind(self) -> str | None:
        scores: dict[str, float] = {}
        first: dict[str, tuple[_Page, int, int]] = {}
        for page in self.pages:
            lowered = page.text
            for kind, pattern in self.p.kinds.items():
                for match in pattern.finditer(lowered):
                    weight = 3.0 if page.number == 1 and match.start() < 200 else 1.0
                    scores[kind] = scores.get(kind, 0.0) + weight
                    first.setdefault(kind, (page, match.start(), match.end()))
        if not scores:
            return None
        kind = max(scores, key=lambda k: (scores[k], -list(self.p.kinds).index(k)))
        records_field = self.p.words.kinds[kind].records_field
        if records_field is not None:
            page, start, end = first[kind]
            self.propose(f"records.{records_field}", True, page, (start, end), "kind")
        return kind

    def lang(self) -> Lang:
        text = "".join(p.text for p in self.pages)
        cjk = sum(1 for c in text if _cjk(c))
        letters = sum(1 for c in text if c.isalpha())
        return "zh-Hans" if letters and cjk / letters > 0.2 else "en"

    # -- diagnosis --------------------------------------------------------------------------------
    def diagnosis(self) -> None:
        for labelled in (True, False):
            for page in self.pages:
                if labelled:
                    starts = [m.end() for m in self.p.diagnosis_label.finditer(page.text)]
                else:
                    starts = [0]
                for start in starts:
                    end = page.segment_of(start)[1] if labelled else len(page.text)
                    if labelled and not page.text[start:end].strip(" :：\n"):
                        end = page.segment_of(end)[1] if end < len(page.text) else end  # a heading
                    if self._diagnosis_at(page, start, end, labelled):
                        return

    def _diagnosis_at(self, page: _Page, start: int, end: int, labelled: bool) -> bool:
        segment = page.text[start:end]
        hits = [
            h
            for h in find_terms(self.kb, segment)
            if h.readings and len(segment[h.start : h.end].strip()) > 2
        ]
        run: list[tuple[int, int]] = []
        for hit in hits:
            if run and hit.start - run[-1][1] > 14:
                if self._read_run(page, start, run, labelled):
                    return True
                run = []
            run.append((hit.start, hit.end))
        return bool(run) and self._read_run(page, start, run, labelled)

    def _read_run(
        self, page: _Page, offset: int, run: list[tuple[int, int]], labelled: bool
    ) -> bool:
        a, b = offset + run[0][0], offset + run[-1][1]
        reading = read_diagnosis(self.kb, page.text[a:b], None)
        if reading.disease is None:
            return False
        rule = "diagnosis_labelled" if labelled else "diagnosis_unlabelled"
        self.propose("diagnosis.disease", reading.disease, page, (a, b), rule)
        if reading.subtype is not None:
            self.propose("diagnosis.subtype", reading.subtype, page, (a, b), rule)
        return True

    # -- events: dates of diagnosis and relapse ---------------------------------------------
    def key_dates(self) -> None:
        diagnosed: list[tuple[DateHit, _Page]] = []
        relapses: list[tuple[DateHit, _Page]] = []
        for page in self.pages:
            for hit in page.dates:
                category = self.category(page, hit)
                if category == "diagnosis":
                    diagnosed.append((hit, page))
                elif category == "relapse":
                    relapses.append((hit, page))
        if diagnosed:
            hit, page = min(diagnosed, key=lambda h: h[0].value.earliest)
            self.propose(
                "diagnosis.diagnosed", str(hit.value), page, (hit.start, hit.end), "date_cued"
            )
        if relapses:
            hit, page = max(relapses, key=lambda h: h[0].value.latest)
            self.propose(
                "disease_status.last_progression",
                str(hit.value),
                page,
                (hit.start, hit.end),
                "date_cued",
            )

    # -- treatment lines, transplants, CAR-T ------------------------------------------------
    def events(self, page: _Page) -> list[tuple[int, int, str, str]]:
        """Regimens, lone medicines, transplants and CAR-T in a page: (start, end, kind, code)."""
        found: list[tuple[int, int, str, str]] = []
        names = find_names(self.names, page.text, self.stop)
        regimen_segments = {page.segment_of(h.start) for h in names if h.kind == "regimen"}
        near_transplant = [
            (m.start() - 15, m.end() + 40)
            for pattern in self.p.transplants.values()
            for m in pattern.finditer(page.text)
        ]
        for hit in names:
            known = self.regimens.get(hit.code)
            if hit.kind == "regimen" and known is not None and known.kind != "treatment":
                continue  # conditioning (BEAM) belongs to the transplant it precedes
            if hit.kind == "drug" and "car_t" in self.kb.drugs[hit.code].classes:
                found.append((hit.start, hit.end, "product", hit.code))
                continue
            if hit.kind == "drug" and (
                hit.code in self.supportive
                or page.segment_of(hit.start) in regimen_segments
                or any(
                    a <= hit.start < b and page.segment_of(a + 15) == page.segment_of(hit.start)
                    for a, b in near_transplant
                )
                or _CONDITIONING.search(page.text, max(0, hit.start - 20), hit.start)
                or _MAINTENANCE.match(page.text, hit.end)
            ):
                continue  # a medicine of a regimen, of conditioning, or maintenance
            found.append((hit.start, hit.end, hit.kind, hit.code))
        for kind, pattern in self.p.transplants.items():
            found += [(m.start(), m.end(), "transplant", kind) for m in pattern.finditer(page.text)]
        found += [(m.start(), m.end(), "cart", "") for m in self.p.cart.finditer(page.text)]
        found.sort()
        merged: list[tuple[int, int, str, str]] = []
        for event in found:
            if merged and event[0] < merged[-1][1]:
                continue  # inside a longer name
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and {previous[2], event[2]} <= {"product", "cart"}
                and len(page.text[previous[1] : event[0]].strip(" ()（）-")) <= 3
            ):
                code = previous[3] or event[3]
                merged[-1] = (previous[0], event[1], "product" if code else "cart", code)
                continue
            if (
                previous is not None
                and previous[2] == event[2] == "drug"
                and re.fullmatch(
                    r"\s*(?:\+|/|,|、|and|plus|with|和|及|联合|加)\s*",
                    page.text[previous[1] : event[0]],
                    re.IGNORECASE,
                )
            ):
                merged[-1] = (previous[0], event[1], "drug", f"{previous[3]}+{event[3]}")
                continue
            merged.append(event)
        return merged

    def window(
        self, page: _Page, events: list[tuple[int, int, str, str]], i: int
    ) -> tuple[int, int]:
        seg_start, seg_end = page.segment_of(events[i][0])
        low = max([seg_start, *(e[1] for e in events[:i] if e[1] <= events[i][0])])
        high = min([seg_end, *(e[0] for e in events[i + 1 :] if e[0] >= events[i][1])])
        return low, high

    def treatments(self) -> None:
        lines: dict[str, dict[str, tuple[Value, _Page, tuple[int, int], str]]] = {}
        order: list[str] = []
        for page in self.pages:
            events = self.events(page)
            self.classify_dates(page, [(e[0], e[1]) for e in events])
            self.assign_dates(page, events)
            for i, (start, end, kind, code) in enumerate(events):
                low, high = self.window(page, events, i)
                if kind == "regimen":
                    regimen = self.regimens.get(code)
                    name = regimen.names.en if regimen is not None else code
                    self._line(page, lines, order, name, (start, end), (low, high), False)
                elif kind == "drug":
                    name = " + ".join(self.kb.drugs[c].name.en for c in code.split("+"))
                    self._line(page, lines, order, name, (start, end), (low, high), True)
                elif kind == "transplant":
                    self._transplant(page, code, (start, end), (low, high))
                else:
                    self._cart(page, code, (start, end), (low, high))
        self.key_dates()
        for entry in order:
            for name, (value, page, span, rule) in lines[entry].items():
                self.propose(f"lines.{name}", value, page, span, rule, entry)

    def assign_dates(self, page: _Page, events: list[tuple[int, int, str, str]]) -> None:
        """Give each date to one treatment, transplant or CAR-T of its segment: the one before
        it ("R-CHOP x6 2023-04 to 2023-08", a table row), unless it shares a clause only with
        the one after it ("2023年4月起行R-CHOP", "2024年3月行CAR-T"); never one farther than a
        short sentence away."""
        for hit in page.dates:
            segment = page.segment_of(hit.start)
            before = [e for e in events if e[1] <= hit.start and page.segment_of(e[0]) == segment]
            after = [e for e in events if e[0] >= hit.end and page.segment_of(e[0]) == segment]
            previous = before[-1] if before and hit.start - before[-1][1] <= _NEAR else None
            following = after[0] if after and after[0][0] - hit.end <= _NEAR else None
            joined_next = following is not None and not _CLAUSE.search(
                page.text, hit.end, following[0]
            )
            joined_previous = previous is not None and not _CLAUSE.search(
                page.text, previous[1], hit.start
            )
            owner = previous
            if following is not None and (
                previous is None or (joined_next and not joined_previous)
            ):
                owner = following
            if owner is not None:
                page.owners[_date_key(hit)] = owner[0]

    def _owned(self, page: _Page, mention: tuple[int, int]) -> list[DateHit]:
        return [h for h in page.dates if page.owners.get(_date_key(h)) == mention[0]]

    def _line(
        self,
        page: _Page,
        lines: dict[str, dict[str, tuple[Value, _Page, tuple[int, int], str]]],
        order: list[str],
        name: str,
        mention: tuple[int, int],
        window: tuple[int, int],
        alone: bool,
    ) -> None:
        found: dict[str, tuple[Value, _Page, tuple[int, int], str]] = {}
        dates = self._owned(page, mention)
        usable = [
            h for h in dates if self.category(page, h) not in ("diagnosis", "relapse", "ignore")
        ]
        for hit in usable:
            which = hit.range_end or self.category(page, hit)
            if which in ("start", "end") and which not in found:
                rule = "date_range" if hit.range_end else "date_cued"
                found[which] = (str(hit.value), page, (hit.start, hit.end), rule)
        bare = [h for h in usable if not h.range_end and self.category(page, h) is None]
        if "start" not in found and bare:
            first = bare.pop(0)
            found["start"] = (str(first.value), page, (first.start, first.end), "date_bare")
        if "end" not in found and bare:
            last = bare[0]
            found["end"] = (str(last.value), page, (last.start, last.end), "date_bare")
        if alone and "start" not in found:
            return  # a medicine named without dates is not read as a line (a list, a plan)
        response = self._response(page, mention[1], window[1]) or self._response(
            page, window[0], mention[0]
        )
        if response is None:
            seg_end = page.segment_of(mention[0])[1]
            nxt = page.segment_of(seg_end) if seg_end < len(page.text) else None
            if nxt is not None and window[1] == page.segment_of(mention[0])[1]:
                response = self._response(page, nxt[0], nxt[1])
        if response is not None:
            found["best_response"] = response
        if name not in lines:
            lines[name] = {"regimen": (name, page, mention, "regimen")}
            order.append(name)
        for key, value in found.items():
            lines[name].setdefault(key, value)

    def _response(
        self, page: _Page, low: int, high: int
    ) -> tuple[Value, _Page, tuple[int, int], str] | None:
        best: tuple[int, str, int] | None = None
        for code, pattern in self.p.responses:
            match = pattern.search(page.text, low, high)
            if match is None or _NUMBERED.match(page.text, match.end()):
                continue  # "PD-1" is a medicine's target, not a response
            if best is None or match.start() < best[0]:
                best = (match.start(), code, match.end())
        if best is None:
            return None
        return best[1], page, (best[0], best[2]), "response"

    def _done(self, page: _Page, mention: tuple[int, int], window: tuple[int, int]) -> bool | None:
        """Whether the transplant or CAR-T named here was given: False when a negation or plan
        stands before it in its clause (or just after: 移植评估), True when a date or a word
        says it was given, None when the text does not say."""
        low = max(window[0], mention[0] - 40)
        low = max([low, *(m.end() for m in _CLAUSE_OR_STOP.finditer(page.text, low, mention[0]))])
        before = page.text[low : mention[0]]
        after = page.text[mention[1] : min(window[1], mention[1] + 12)]
        if self.p.negation.search(before) or re.match(
            r"\s*(?:评估|evaluation|eligib|referral|consult)", after, re.IGNORECASE
        ):
            return False
        if self.p.affirmation.search(before) or self.p.affirmation.search(after):
            return True
        return None

    def _event_date(
        self, page: _Page, mention: tuple[int, int], window: tuple[int, int]
    ) -> DateHit | None:
        dates = [
            h
            for h in self._owned(page, mention)
            if self.category(page, h) not in ("diagnosis", "ignore", "relapse")
        ]
        after = [h for h in dates if h.start >= mention[1]]
        if after:
            return after[0]
        return dates[-1] if dates else None

    def _transplant(
        self, page: _Page, kind: str, mention: tuple[int, int], window: tuple[int, int]
    ) -> None:
        done = self._done(page, mention, window)
        date = self._event_date(page, mention, window)
        if done is False or (done is None and date is None):
            return
        self.propose("transplants.type", kind, page, mention, "event", kind)
        if date is not None:
            self.propose(
                "transplants.date", str(date.value), page, (date.start, date.end), "date_cued", kind
            )

    def _cart(
        self, page: _Page, code: str, mention: tuple[int, int], window: tuple[int, int]
    ) -> None:
        target: str | None = None
        if code:
            targets = {self.p.words.cart_targets.get(c) for c in self.kb.drugs[code].classes}
            found = {t for t in targets if t is not None}
            target = found.pop() if len(found) == 1 else None
        else:
            near = page.text[max(window[0], mention[0] - 14) : min(window[1], mention[1] + 14)]
            found = {t for t in ("CD19", "BCMA", "CD22") if t.lower() in near.lower()}
            target = found.pop() if len(found) == 1 else None
        if target is None:
            return  # a CAR-T without its target: "needs information", never a guess
        done = self._done(page, mention, window)
        date = self._event_date(page, mention, window)
        if done is False or (done is None and date is None):
            return
        self.propose("prior_cellular_therapy.target", target, page, mention, "event", target)
        if code:
            self.propose("prior_cellular_therapy.product", code, page, mention, "event", target)
        if date is not None:
            self.propose(
                "prior_cellular_therapy.date",
                str(date.value),
                page,
                (date.start, date.end),
                "date_cued",
                target,
            )

    # -- measurements -----------------------------------------------------------------------------
    def measures(self) -> None:
        last: dict[str, tuple[Value, _Page, tuple[int, int]]] = {}
        for page in self.pages:
            for name, pattern, kind in (
                ("fitness.ecog", self.p.ecog, int),
                ("fitness.lvef_percent", self.p.lvef, float),
                ("fitness.egfr", self.p.egfr, float),
            ):
                for match in pattern.finditer(page.text):
                    value: Value = kind(match.group("v"))
                    if name == "fitness.egfr" and not 0 <= float(value) <= 200:
                        continue
                    if name == "fitness.lvef_percent" and not 1 <= float(value) <= 100:
                        continue
                    last[name] = (value, page, match.span())
            for match in self.p.antigen.finditer(page.text):
                sign = match.group("s").lower()
                result = "positive" if sign in self.p.positive else "negative"
                name = f"diagnosis.target_antigens.{match.group('a').lower()}"
                last[name] = (result, page, match.span())
        for name, (value, page, span) in last.items():
            rule = "antigen" if "antigens" in name else "measure"
            self.propose(name, value, page, span, rule)


def _cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def extract(kb: KnowledgeBase, text: DocumentText, words: Words | None = None) -> Extraction:
    """Every proposal the rules read from one document (see the module rules)."""
    reader = _Reader(kb, text, words or load_words())
    kind = reader.kind()
    reader.diagnosis()
    reader.treatments()
    reader.measures()
    return Extraction(text, kind, reader.lang(), tuple(reader.out))


__all__ = ["CONFIDENCE", "Extraction", "Lang", "Proposal", "Value", "extract"]
