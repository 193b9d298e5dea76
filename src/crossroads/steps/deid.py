"""The de-identified specialist packet (step 5): what a reviewer may see, and nothing more.

Built from an allow-list of fields, never by deleting from the record (security.md §4): the packet
never carries the name, birth date, contact details, record numbers or city. Age is given in years
(90 and over as "90+", as HIPAA Safe Harbor asks). Dates become months counted from the diagnosis
(or, when that is unknown, from the first date in the record); with a ``shift_seed`` each date is
also given shifted by a fixed, secret number of months. Every piece of free text (notes, regimen
names, supportive-care entries, fears, the four sentences, the specific question, extensions) goes
through :class:`Scrubber`, which removes the identifiers found anywhere in the record plus generic
patterns: e-mail addresses, links, phone numbers, long numbers and codes, dates, street addresses,
and names after words such as "Dr", "sister" or 女儿.

Automatic scrubbing can miss things, so the packet says that a coordinator must read it before it
is sent (security.md DI-2). See ``tests/test_deid.py`` for the leak tests.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crossroads.common.dates import Interval, PartialDate, age_on, months_between
from crossroads.engine.classify import Classification, classify
from crossroads.engine.explain import ask_for, reasons
from crossroads.kb import JURISDICTIONS, Jurisdiction, KnowledgeBase
from crossroads.kb.review_data import PacketFile, load_review_data
from crossroads.record.case import Case
from crossroads.steps.review import open_facts, specific_question, triage

PACKET_SCHEMA_ID = "crossroads.packet/v1"
OLDEST_AGE_SHOWN = 89  # HIPAA Safe Harbor: ages over 89 are shown as "90+"
MAX_SHIFT_MONTHS = 24
_STATUS_ORDER = {"on_label": 0, "needs_information": 1, "not_on_label": 2}

# -- the scrubber ---------------------------------------------------------------------------------
_LATIN = r"A-Za-z0-9\u00C0-\u024F"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    rf"(?<!\d){_YEAR}[-/.]{_MON}[-/.]{_DAY}(?!\d)",
    rf"(?<!\d){_DAY}[-/.]{_MON}[-/.]{_YEAR}(?!\d)",
    rf"(?<!\d){_MON}[-/.]{_DAY}[-/.]{_YEAR}(?!\d)",
    rf"(?<!\d){_YEAR}[-/.]{_MON}(?![\d.])",
    rf"(?<![\d.]){_MON}[-/.]{_YEAR}(?!\d)",
    rf"{_YEAR}\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*[日号])?",
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]",
    rf"\b(?:{_DAY}{_ORD}\s+)?{_MONTHS}(?:\s+{_DAY}{_ORD})?,?\s+{_YEAR}\b",
    rf"\b{_MONTHS}\s+{_DAY}{_ORD}\b",
    rf"\b{_DAY}{_ORD}\s+{_MONTHS}(?![A-Za-z])",
)
_EN_CUES = (
    "dr|doctor|mr|mrs|ms|miss|mx|prof|professor|brother|sister|son|daughter|wife|husband|"
    "partner|mother|mum|mom|father|dad|friend|cousin|uncle|aunt|niece|nephew|grandson|"
    "granddaughter|grandmother|grandfather|grandma|grandpa|carer|caregiver|neighbour|neighbor|"
    "nurse|named|called"
)
_NAME_WORD = rf"[A-Z][{_LATIN}'’\-]+"
_ZH_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包"
    "尚符舒阮柯纪梅童凌毕裴霍涂苗谷盛曲翁冉骆蓝辛靳管柴蒙鲍喻祁蒲房滕屈饶牟艾尤阳穆农卓缪"
    "简连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩佘池查麻苑迟邝"
)
_ZH_CUES = (
    "患者|病人|姓名|家属|联系人|女儿|儿子|妈妈|母亲|爸爸|父亲|丈夫|妻子|老伴|爱人|哥哥|姐姐|弟弟|"
    "妹妹|孙子|孙女|外孙|侄子|侄女|朋友|医生|大夫|主任|护士|教授"
)
_ZH_TITLES = "先生|女士|小姐|太太|夫人|医生|大夫|主任|教授|老师|阿姨|叔叔|伯伯"
_STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Court|Ct|Lane|Ln|Drive|Boulevard|Blvd|Way|Place|Pl|Square|Sq|"
    "Terrace|Close|Crescent|straat|gracht|weg|laan|strasse|straße|gasse|platz"
)
_PLACE_CUES = "home|live|lives|living|lived|reside|resides|residing|based|moved"
_NAME_PARTICLES = {"de", "van", "der", "den", "von", "da", "di", "du", "la", "le", "bin", "al"}
_ZH_PLACE_ENDS = "省市区县镇乡村路街道巷弄号楼室"


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: str
    accept: Callable[[str], bool] | None = None
    kinds: Mapping[str, str] | None = None  # for a combined rule: matched text -> kind

    def kind_of(self, matched: str) -> str:
        if self.kinds is None:
            return self.kind
        return self.kinds.get(_literal_key(matched), self.kind)


def _literal_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def _latin(text: str) -> str:
    """A literal that matches only as a whole word among Latin letters and digits."""
    body = r"\s+".join(re.escape(part) for part in text.split())
    return rf"(?<![{_LATIN}]){body}(?![{_LATIN}])"


def _loose(code: str) -> str:
    """A record number or phone matched with or without spaces, dots, dashes or brackets."""
    chars = [re.escape(c) for c in code if c.isalnum()]
    return rf"(?<![{_LATIN}])" + r"[\s().\-/]*".join(chars) + rf"(?![{_LATIN}])"


def _han_runs(text: str) -> list[str]:
    return re.findall(rf"[{_HAN}]+", text)


def _name_parts(name: str) -> list[str]:
    parts = [name]
    for run in _han_runs(name):
        parts.append(run)
        if len(run) >= 3:
            parts.append(run[1:])  # the given name
    for word in re.findall(rf"[{_LATIN}'’\-]+", name):
        pieces = [word, *word.split("-")]
        parts += [p for p in pieces if len(p) >= 2 and p.lower() not in _NAME_PARTICLES]
    return parts


def _address_parts(address: str) -> list[str]:
    parts = [address]
    for chunk in re.split(r"[,，;；\n]+", address):
        chunk = chunk.strip()
        if len(chunk) >= 2:
            parts.append(chunk)
        for run in _han_runs(chunk):
            for piece in re.findall(rf"[^{_ZH_PLACE_ENDS}]+[{_ZH_PLACE_ENDS}]?", run):
                if len(piece) >= 2:
                    parts.append(piece)
                    if piece[-1] in _ZH_PLACE_ENDS and len(piece) >= 3:
                        parts.append(piece[:-1])
        for word in re.findall(rf"[A-Z][{_LATIN}'’\-]{{3,}}", chunk):
            if not re.fullmatch(_STREET_WORDS, word, re.IGNORECASE):
                parts.append(word)
    return parts


def _date_forms(date: PartialDate) -> list[str]:
    """A known date as people write it: ISO, slashes, day-month-year, Chinese, month names."""
    if date.month is None:
        return []  # a bare year is not an identifying date element (Safe Harbor keeps years)
    y, m = date.year, date.month
    name = calendar.month_name[m]
    forms = [f"{y}-{m:02d}", f"{y}/{m:02d}", f"{y}年{m}月", f"{name} {y}"]
    if date.day is not None:
        d = date.day
        forms += [
            f"{y}-{m:02d}-{d:02d}",
            f"{y}/{m:02d}/{d:02d}",
            f"{d:02d}/{m:02d}/{y}",
            f"{m:02d}/{d:02d}/{y}",
            f"{d}.{m}.{y}",
            f"{y}年{m}月{d}日",
            f"{d} {name} {y}",
            f"{name} {d}, {y}",
        ]
    return forms


def _case_dates(case: Case, with_birth_date: bool = True) -> list[PartialDate]:
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


def _digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _id_like(text: str) -> bool:
    return _digit_count(text) >= 5 and any(c.isalpha() for c in text)


def _free_texts(case: Case) -> list[str]:
    """Every piece of free text in the record, where names of other people may hide."""
    texts = [case.notes, case.review.specific_question, case.diagnosis.stage]
    texts += [line.regimen for line in case.lines or []]
    texts += [c.product for c in case.prior_cellular_therapy or []]
    texts += list(case.preferences.fears or [])
    for entry in case.supportive_care or []:
        texts += [entry.name, entry.purpose]
    texts += list(case.decision.sentences.model_dump().values())
    texts += [a.title for a in case.actions or []]
    texts += list(_strings(case.extensions))
    return [t for t in texts if t]


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _harvested(case: Case, cue_rules: Sequence[_Rule]) -> list[tuple[str, str]]:
    """Names and places found after cue words anywhere in the record, to scrub them everywhere.

    "his sister Orsolya" in the notes teaches the scrubber that "Orsolya" is a name, so a fear
    that says "leaving Orsolya alone" is scrubbed too.
    """
    found: list[tuple[str, str]] = []
    for text in _free_texts(case):
        for rule in cue_rules:
            for match in rule.pattern.finditer(text):
                if rule.kind == "name":
                    found += [(part, "name") for part in _name_parts(match.group("x"))]
                else:
                    found.append((match.group("x"), rule.kind))
    return found


def _record_rules(case: Case, cue_rules: Sequence[_Rule] = ()) -> list[_Rule]:
    """Patterns for the identifiers this record holds, longest first."""
    literals: list[tuple[str, str]] = _harvested(case, cue_rules)
    loose: list[tuple[str, str]] = []
    patient = case.patient
    if patient.name:
        literals += [(p, "name") for p in _name_parts(patient.name)]
    contact = patient.contact
    if contact is not None:
        if contact.email:
            literals.append((contact.email, "email"))
            local = contact.email.split("@")[0]
            literals += [(p, "name") for p in re.split(r"[._+\-]", local) if len(p) >= 3]
        if contact.phone:
            literals.append((contact.phone, "phone"))
            if _digit_count(contact.phone) >= 4:
                loose.append((contact.phone, "phone"))
        if contact.address:
            literals += [(p, "address") for p in _address_parts(contact.address)]
    for number in patient.record_numbers:
        literals.append((number.value, "id"))
        if sum(c.isalnum() for c in number.value) >= 3:
            loose.append((number.value, "id"))
        if _digit_count(number.value) >= 5:
            loose.append(("".join(c for c in number.value if c.isdigit()), "id"))
    if patient.city:
        literals += [(p, "address") for p in _address_parts(patient.city)]
    for date in _case_dates(case):
        literals += [(form, "date") for form in _date_forms(date)]
    # One combined pattern for every literal, longest first, so "Anna de Vries" goes before
    # "Anna"; compiling one pattern instead of hundreds keeps a packet fast.
    kinds: dict[str, str] = {}
    alternatives: list[str] = []
    for text, kind in sorted(literals, key=lambda pair: -len(pair[0].strip())):
        key = _literal_key(text)
        if not key or key in kinds:
            continue
        kinds[key] = kind
        latin = re.search(rf"[{_LATIN}]", text) is not None
        alternatives.append(
            _latin(text) if latin or not _han_runs(text) else re.escape(text.strip())
        )
    rules: list[_Rule] = []
    if alternatives:
        combined = re.compile("|".join(alternatives), re.IGNORECASE)
        rules.append(_Rule(combined, "name", kinds=kinds))
    for text, kind in sorted(loose, key=lambda pair: -len(pair[0])):
        rules.append(_Rule(re.compile(_loose(text), re.IGNORECASE), kind))
    return rules


@functools.cache
def _generic_rules(extra_surnames: str) -> tuple[_Rule, ...]:
    surnames = _ZH_SURNAMES + extra_surnames
    rules = [
        _Rule(re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "email"),
        _Rule(
            re.compile(r"(?:https?://|www\.)\S+?(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE), "link"
        ),
        _Rule(re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])"), "id"),
    ]
    rules += [_Rule(re.compile(p, re.IGNORECASE), "date") for p in _DATE_PATTERNS]
    rules += [
        _Rule(re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"), "id"),
        _Rule(
            re.compile(r"(?<![\w+])\+?\d[\d\s().\-]{4,}\d(?!\w)"),
            "phone",
            lambda m: _digit_count(m) >= 7,
        ),
        _Rule(
            re.compile(rf"(?<![{_LATIN}])[A-Za-z0-9]+(?:[\-/][A-Za-z0-9]+)*(?![{_LATIN}])"),
            "id",
            _id_like,
        ),
        _Rule(re.compile(r"(?<!\d)\d{6,}(?!\d)"), "id"),
        _Rule(
            re.compile(rf"\d+[A-Za-z]?\s+(?:{_NAME_WORD}\s+){{1,3}}(?:{_STREET_WORDS})\b\.?"),
            "address",
        ),
        _Rule(re.compile(rf"[{_HAN}]{{2,}}(?:路|街|道|巷|弄)\s*\d+\s*号"), "address"),
        _Rule(
            re.compile(
                rf"(?<![A-Za-z])(?i:{_PLACE_CUES})\s+(?i:in|near|at|to)\s+"
                rf"(?P<x>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
            ),
            "address",
        ),
        _Rule(re.compile(rf"(?:住在|家住|居住在|来自)(?P<x>[{_HAN}]{{2,4}})"), "address"),
        _Rule(
            re.compile(
                rf"(?<![A-Za-z])(?i:{_EN_CUES})\.?\s+(?P<x>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
            ),
            "name",
        ),
        _Rule(re.compile(rf"(?:{_ZH_CUES})[：:\s]*(?P<x>[{surnames}][{_HAN}]{{1,2}})"), "name"),
        _Rule(re.compile(rf"(?P<x>[{surnames}])(?:{_ZH_TITLES})"), "name"),
    ]
    return tuple(rules)


class Scrubber:
    """Removes identifiers from free text: the record's own, then generic patterns."""

    def __init__(self, case: Case, marks: Mapping[str, str]) -> None:
        surname = ""
        if case.patient.name:
            runs = _han_runs(case.patient.name)
            surname = runs[0][0] if runs else ""
        generic = _generic_rules(surname)
        cues = [rule for rule in generic if "x" in rule.pattern.groupindex and rule.accept is None]
        self._rules = [*_record_rules(case, cues), *generic]
        self._marks = dict(marks)

    def __call__(self, text: str) -> str:
        for rule in self._rules:
            text = rule.pattern.sub(functools.partial(self._replace, rule=rule), text)
        return text

    def _replace(self, match: re.Match[str], rule: _Rule) -> str:
        whole = match.group(0)
        if rule.accept is not None and not rule.accept(whole):
            return whole
        mark = self._marks[rule.kind_of(whole)]
        if "x" in match.re.groupindex:
            start, end = match.span("x")
            offset = match.start()
            return whole[: start - offset] + mark + whole[end - offset :]
        return mark

    def scrub_value(self, value: Any) -> Any:
        """Scrub every string in nested data (keys too); numbers are scrubbed as text."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            text = str(value)
            return value if self(text) == text else self(text)
        if isinstance(value, Mapping):
            return {self(str(k)): self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub_value(v) for v in value]
        return self(str(value))


def redaction_marks(packet: PacketFile, lang: str) -> dict[str, str]:
    marks = packet.redacted
    return {
        kind: getattr(marks, kind).get(lang)
        for kind in ("name", "phone", "email", "address", "id", "date", "link")
    }


# -- time ---------------------------------------------------------------------------------------
def _anchor(case: Case) -> tuple[PartialDate | None, str | None]:
    if case.diagnosis.diagnosed is not None:
        return case.diagnosis.diagnosed, "diagnosis"
    dates = _case_dates(case, with_birth_date=False)
    if not dates:
        return None, None
    return min(dates, key=lambda d: (d.earliest, d.latest)), "first_recorded_date"


def shift_months(seed: int | str) -> int:
    """The secret shift for a seed: 1 to 24 months, earlier or later, never zero."""
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    size = 1 + digest[0] % MAX_SHIFT_MONTHS
    return size if digest[1] % 2 else -size


def shifted(date: PartialDate, months: int) -> str:
    """A partial date moved by whole months, keeping its precision (years move by whole years)."""
    if date.month is None:
        years = max(1, round(abs(months) / 12)) * (1 if months > 0 else -1)
        return str(date.year + years)
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    if date.day is None:
        return f"{year:04d}-{month + 1:02d}"
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return f"{year:04d}-{month + 1:02d}-{day:02d}"


@dataclass(frozen=True)
class _Clock:
    anchor: PartialDate | None
    labels: PacketFile
    lang: str
    shift: int | None

    def offset(self, date: PartialDate | None) -> dict[str, Any] | None:
        if date is None or self.anchor is None:
            return None
        span = months_between(self.anchor, date)
        if span.exact:
            text = self.labels.label("month", self.lang, n=span.low)
        else:
            text = self.labels.label("months", self.lang, low=span.low, high=span.high)
        out: dict[str, Any] = {"months_low": span.low, "months_high": span.high, "text": text}
        if self.shift is not None:
            out["shifted"] = shifted(date, self.shift)
        return out


def _age(case: Case, classification: Classification) -> str | None:
    value = classification.facts.values.get("age_years")
    if not isinstance(value, Interval):
        born, on = case.patient.birth_date, case.assessment_date
        if born is None or on is None:
            return None
        value = age_on(born, on)
    if value.low > OLDEST_AGE_SHOWN:
        return "90+"
    if value.high > OLDEST_AGE_SHOWN:
        return f"{value.low}+"
    return str(value.low) if value.exact else f"{value.low}-{value.high}"


# -- the packet ---------------------------------------------------------------------------------
def _classification_data(
    kb: KnowledgeBase, classification: Classification, lang: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for result in classification.jurisdictions:
        out[result.jurisdiction] = {
            "category": result.category,
            "category_label": kb.phrase(f"category.{result.category}", lang),
            "products": [
                {
                    "product": ind.product_code,
                    "indication": ind.indication_id,
                    "status": ind.status,
                    "reasons": reasons(kb, ind, lang),
                    "source": ind.compiled.indication.source,
                }
                for ind in sorted(
                    result.indications,
                    key=lambda i: (_STATUS_ORDER[i.status], i.product_code, i.indication_id),
                )
            ],
        }
    return out


def _lines(case: Case, clock: _Clock, scrub: Scrubber) -> list[dict[str, Any]]:
    return [
        {
            "number": i,
            "regimen": scrub(line.regimen) if line.regimen else None,
            "agents": list(line.agents) if line.agents is not None else None,
            "kind": line.kind,
            "start": clock.offset(line.start),
            "end": clock.offset(line.end),
            "best_response": line.best_response,
            "progression": clock.offset(line.progression),
            "refractory": line.refractory,
        }
        for i, line in enumerate(case.lines or [], start=1)
    ]


def _notice(labels: PacketFile, anchor_kind: str | None, lang: str) -> str:
    key = {"diagnosis": "notice", "first_recorded_date": "notice_first_date"}.get(
        anchor_kind or "", "notice_no_dates"
    )
    return labels.label(key, lang)


def deidentify(
    case: Case,
    kb: KnowledgeBase,
    classification: Classification | None = None,
    *,
    shift_seed: int | str | None = None,
    jurisdictions: Sequence[Jurisdiction] = JURISDICTIONS,
    today: dt.date | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The packet data for reviewers (``crossroads.packet/v1``), with no direct identifiers.

    ``classification`` is computed when not given. ``shift_seed`` adds shifted dates next to the
    month counts; keep the seed secret, like any re-identification key.
    """
    classification = classification or classify(case, kb, jurisdictions, today)
    data = load_review_data(kb)
    labels = data.packet
    scrub = Scrubber(case, redaction_marks(labels, lang))
    anchor, anchor_kind = _anchor(case)
    clock = _Clock(anchor, labels, lang, None if shift_seed is None else shift_months(shift_seed))
    diagnosis, status, fitness = case.diagnosis, case.disease_status, case.fitness
    disease = diagnosis.disease
    question = specific_question(case, kb, classification, lang)
    antigens = diagnosis.target_antigens
    missing = [
        {"fact": key, "ask": ask_for(kb, key, lang)}
        for key in open_facts(kb, classification)
        if key in kb.facts or key.startswith("kb:")
    ]
    packet: dict[str, Any] = {
        "schema": PACKET_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "lang": lang,
        "notice": _notice(labels, anchor_kind, lang),
        "check_before_sending": labels.label("check_before_sending", lang),
        "time_anchor": anchor_kind,
        "dates_shifted": shift_seed is not None,
        "person": {
            "age_years": _age(case, classification),
            "sex": case.patient.sex,
            "country": case.patient.country,
            "language": case.patient.language,
        },
        "diagnosis": {
            "disease": disease,
            "disease_name": kb.code_name(disease, lang) if disease else None,
            "subtype": diagnosis.subtype,
            "subtype_name": kb.code_name(diagnosis.subtype, lang) if diagnosis.subtype else None,
            "stage": scrub(diagnosis.stage) if diagnosis.stage else None,
            "diagnosed": clock.offset(diagnosis.diagnosed),
            "cns_involvement": diagnosis.cns_involvement,
            "target_antigens": antigens.model_dump(exclude_none=True) if antigens else None,
        },
        "lines": _lines(case, clock, scrub) if case.lines is not None else None,
        "disease_status": {
            "state": status.state,
            "relapse_number": status.relapse_number,
            "last_progression": clock.offset(status.last_progression),
            "rapid_progression": status.rapid_progression,
        },
        "transplants": None
        if case.transplants is None
        else [{"type": t.type, "date": clock.offset(t.date)} for t in case.transplants],
        "transplant_eligible": case.transplant_eligible,
        "transplant_ineligible_reasons": case.transplant_ineligible_reasons,
        "prior_cellular_therapy": None
        if case.prior_cellular_therapy is None
        else [
            {
                "target": c.target,
                "product": scrub(c.product) if c.product else None,
                "date": clock.offset(c.date),
            }
            for c in case.prior_cellular_therapy
        ],
        "fitness": {
            "ecog": fitness.ecog,
            "active_infection": fitness.active_infection,
            "organ_dysfunction": fitness.organ_dysfunction,
        },
        "assessed": clock.offset(classification.facts.assessment_date),
        "preferences": {
            "main_goal": case.preferences.main_goal,
            "importance": case.preferences.importance,
            "fears": scrub.scrub_value(case.preferences.fears),
        },
        "logistics": case.logistics.model_dump(exclude_none=True),
        "records": case.records.model_dump(exclude_none=True),
        "supportive_care": None
        if case.supportive_care is None
        else [
            {
                "name": scrub(s.name),
                "kind": s.kind,
                "purpose": scrub(s.purpose) if s.purpose else None,
                "told_treating_team": s.told_treating_team,
            }
            for s in case.supportive_care
        ],
        "classification": _classification_data(kb, classification, lang),
        "team_questions": [
            {"id": r.question.id, "text": r.question.text.get(lang)}
            for r in classification.questions
        ],
        "triage": [
            {"id": r.rule.id, "text": r.rule.text.get(lang), "source": r.rule.source}
            for r in triage(case, kb, classification)
            if r.fired
        ],
        "specific_question": {"text": scrub(question.text), "by": question.by},
        "missing_facts": missing,
        "notes": scrub(case.notes) if case.notes else None,
        "decision": {
            "sentences": scrub.scrub_value(case.decision.sentences.model_dump(exclude_none=True)),
            "sure": case.decision.sure.model_dump(),
            "edited": clock.offset(case.decision.edited),
        },
        "extensions": scrub.scrub_value(case.extensions) if case.extensions else None,
        "not_replace": kb.phrase("not_replace", lang),
        "urgent": kb.phrase("urgent", lang),
    }
    return packet


__all__ = [
    "PACKET_SCHEMA_ID",
    "Scrubber",
    "deidentify",
    "redaction_marks",
    "shift_months",
    "shifted",
]
