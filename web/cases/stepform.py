"""One step page as a form: what was typed, what it means for the record, and what is wrong.

The form reads the fields of one step (``cases.journey``), keeps exactly what the person typed
for showing it again, and builds the new case record. The record is then validated by the core's
model, so a value the core would refuse is refused here too, with the message next to its field.
Nothing is saved unless every field of the step is valid.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import ValidationError

from cases.journey import Field, Group, Step
from crossroads.common.countries import country_code, country_codes, country_name
from crossroads.common.dates import DateError, PartialDate
from crossroads.common.messages import close_matches, problem_from_error
from crossroads.common.text import forbidden_character
from crossroads.kb import KnowledgeBase
from crossroads.record.case import Case

UNKNOWN = "unknown"  # the "I don't know" choice of radios and selects
NONE = "none"  # the "none of these" choice of a clinical multiple choice
ORGAN_PATH = "fitness.organ_dysfunction"
_TAG = re.compile(r"<\s*[a-zA-Z!/?]")
_INT = re.compile(r"^[+-]?\d{1,9}$")
_DRUG_SPLIT = re.compile(r"[,，、;；\n]+")


class FieldError(ValueError):
    """A value that cannot be used, with the message to show next to the field."""


# -- reading and writing paths in the record -------------------------------------------------
def get_path(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
        if node is None:
            return None
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a value (or remove it when ``value`` is None: missing means unknown)."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[part] = child
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


# -- one value at a time ------------------------------------------------------------------------
def clean_text(raw: str, max_length: int, *, multiline: bool = False) -> str | None:
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        return None
    if _TAG.search(text):
        raise FieldError(_("Please write plain text without < and > around words."))
    if forbidden_character(text) or (not multiline and "\n" in text):
        raise FieldError(_("Please remove the special characters from this text."))
    if len(text) > max_length:
        raise FieldError(
            _("This is too long: %(length)d characters. The most is %(max)d.")
            % {"length": len(text), "max": max_length}
        )
    return text


def clean_date(raw: str) -> str | None:
    """A partial date, with a plain message for each way it can be wrong."""
    text = raw.strip()
    if not text:
        return None
    try:
        return str(PartialDate.parse(text))  # the core's grammar: 2024, 2024-8, 2024-08-15
    except DateError as exc:
        raise FieldError(_date_message(exc)) from None


def _date_message(exc: DateError) -> str:
    """The core's reason for refusing a date, in the person's language."""
    if exc.reason == "ambiguous":
        return _(
            "Two numbers before the year can be read day first or month first. Write the date "
            "as 2024-08-15, 2024-08 or August 2024."
        )
    if exc.reason == "year":
        return _("The year must be between 1900 and 2100.")
    if exc.reason == "month":
        return _("There is no month %(month)d. Use 01 to 12.") % {"month": exc.month}
    if exc.reason == "day":
        return _("%(year)d-%(month)02d has no day %(day)d.") % {
            "year": exc.year,
            "month": exc.month,
            "day": exc.day,
        }
    return _(
        "Write the date as a year (2024), a month (Sept 2025, 09/2025, 2025年9月) or a full date "
        "(2024-08-15)."
    )


def clean_int(raw: str, low: int, high: int) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not _INT.match(text):
        raise FieldError(_("Write a whole number, like 3."))
    value = int(text)
    if not low <= value <= high:
        raise FieldError(_("Write a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return value


def clean_drugs(raw: str, kb: KnowledgeBase, max_length: int) -> list[str] | None:
    text = raw.strip()
    if not text:
        return None
    if len(text) > max_length:
        raise FieldError(
            _("This is too long: %(length)d characters. The most is %(max)d.")
            % {"length": len(text), "max": max_length}
        )
    if _TAG.search(text) or forbidden_character(text):
        raise FieldError(_("Please write plain text without < and > around words."))
    names = [name.strip() for name in _DRUG_SPLIT.split(text) if name.strip()]
    unknown = [name for name in names if kb.resolve_drug(name) is None]
    if unknown:
        hints = close_matches(unknown[0].lower(), kb.drug_names())
        message = _(
            "Crossroads does not know: %(names)s. Check the spelling or use the generic name."
        ) % {"names": ", ".join(unknown)}
        if hints:
            message += " " + _("Did you mean: %(hints)s?") % {"hints": ", ".join(hints)}
        raise FieldError(message)
    return names


def is_country(field_: Field) -> bool:
    """A country question: read by the core's country reader and drawn as a picker."""
    return field_.kind == "text" and field_.path.endswith("country")


@functools.cache
def country_options(lang: str) -> tuple[tuple[str, str], ...]:
    """The picker's list: each country's name in the page's language (what is filled in, and
    read back by the core), with its name in the other language beside it, in name order."""
    other = "en" if lang.startswith("zh") else "zh"
    options = [(country_name(code, lang), country_name(code, other)) for code in country_codes()]
    return tuple(sorted(options))


# -- what templates show ------------------------------------------------------------------------
@dataclass
class FieldState:
    field: Field
    key: str
    value: str | list[str] = ""
    dont_know: bool = False
    errors: list[str] = dataclasses.field(default_factory=list)
    drafted: bool = False  # the value shown is Crossroads' draft, not yet saved

    @property
    def html_id(self) -> str:
        return "f-" + self.key.replace(".", "-").replace("_", "-")

    @property
    def values(self) -> list[str]:
        return self.value if isinstance(self.value, list) else [self.value]

    @property
    def control(self) -> str:
        """Which kind of input the template draws."""
        kind = self.field.kind
        if kind == "yesno":
            return "radio"
        if kind == "choice":
            return self.field.widget
        if kind == "multi":
            return "checkboxes"
        if kind in {"textarea", "lines"}:
            return "textarea"
        if is_country(self.field):
            return "country"
        return "input"

    @property
    def countries(self) -> tuple[tuple[str, str], ...]:
        """The country picker's names, in the page's language (a country question only)."""
        return country_options(translation.get_language() or "en") if is_country(self.field) else ()

    @property
    def input_mode(self) -> str:
        return "numeric" if self.field.kind == "int" else "text"

    @property
    def none_chosen(self) -> bool:
        return isinstance(self.value, list) and NONE in self.value


@dataclass
class ItemState:
    index: int
    fields: list[FieldState]
    remove: bool = False
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not any(f.value for f in self.fields)


@dataclass
class GroupState:
    group: Group
    known: str = ""
    items: list[ItemState] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def key(self) -> str:
        return self.group.path

    @property
    def html_id(self) -> str:
        return "g-" + self.group.path.replace("_", "-")


@dataclass
class SectionState:
    title: Any
    intro: Any
    items: list[FieldState | GroupState]


def _keep_organ_details(before: Mapping[str, Any], after: dict[str, Any]) -> None:
    """An organ still ticked keeps the detail the record held for it ("lung: mild COPD", written
    in a case file or through the API): the form shows organs only and must not drop it."""
    old, new = get_path(before, ORGAN_PATH), get_path(after, ORGAN_PATH)
    if not isinstance(old, list) or not isinstance(new, list):
        return
    details = {v["organ"]: v for v in old if isinstance(v, dict) and "organ" in v}
    if details:
        set_path(after, ORGAN_PATH, [details.get(v, v) if isinstance(v, str) else v for v in new])


# -- the form -------------------------------------------------------------------------------------
def _display(field_: Field, value: Any) -> str | list[str]:
    """A stored value as the text or choices the form shows."""
    if value is None:
        return [] if field_.kind == "multi" else ""
    if field_.kind == "yesno":
        return "yes" if value else "no"
    if field_.kind == "multi":
        if value == [] and field_.clinical:
            return [NONE]
        # an organ written with its detail ({organ: lung, detail: mild COPD}) shows as its organ
        return [str(v["organ"]) if isinstance(v, dict) and "organ" in v else str(v) for v in value]
    if field_.kind == "drugs":
        return ", ".join(str(v) for v in value)
    if field_.kind == "lines":
        return "\n".join(str(v) for v in value)
    return str(value)


class StepForm:
    """The fields of one step, bound to the stored record and, after a POST, to what was typed."""

    def __init__(
        self,
        step: Step,
        record: Mapping[str, Any],
        dont_know: Iterable[str],
        kb: KnowledgeBase,
        lang: str,
        data: Mapping[str, Any] | None = None,
        extra_items: int = 1,
    ) -> None:
        self.step = step
        self.record = record
        self.kb = kb
        self.lang = lang
        self.dont_know = set(dont_know)
        self.bound = data is not None
        self.data = data
        self.non_field_errors: list[str] = []
        self.new_record: dict[str, Any] = {}
        self.new_dont_know: set[str] = set()
        self.sections: list[SectionState] = []
        self._fields: dict[str, FieldState] = {}
        self._groups: dict[str, GroupState] = {}
        for section in step.sections:
            items: list[FieldState | GroupState] = []
            for item in section.items:
                if isinstance(item, Field):
                    state = self._field_state(item, item.path)
                    self._fields[state.key] = state
                    items.append(state)
                else:
                    group_state = self._group_state(item, extra_items)
                    self._groups[item.path] = group_state
                    items.append(group_state)
            self.sections.append(SectionState(section.title, section.intro, items))

    # -- building the states from the record or the POST -----------------------------------
    def _raw(self, key: str, multi: bool = False) -> Any:
        assert self.data is not None
        getter = getattr(self.data, "getlist", None)
        if multi:
            return list(getter(key)) if getter else list(self.data.get(key) or [])
        value = self.data.get(key, "")
        return value if isinstance(value, str) else ""

    def _field_state(self, field_: Field, key: str) -> FieldState:
        if self.bound:
            value = self._raw(key, multi=field_.kind == "multi")
            marked = self._raw(f"{key}.dk") == "1" or value == UNKNOWN or UNKNOWN in value
            if isinstance(value, list):
                value = [v for v in value if v != UNKNOWN]
            elif value == UNKNOWN:
                value = ""
            return FieldState(field_, key, value, bool(marked and field_.clinical))
        stored = get_path(self.record, key)
        shown = _display(field_, stored)
        if is_country(field_) and isinstance(stored, str) and country_code(stored) == stored:
            shown = country_name(stored, self.lang)  # "CN" is shown as China or 中国
        return FieldState(field_, key, shown, key in self.dont_know)

    def _group_state(self, group: Group, extra: int) -> GroupState:
        if self.bound:
            known = self._raw(f"{group.path}.known")
            try:
                count = min(int(self._raw(f"{group.path}.count") or 0), 50)
            except ValueError:
                count = 0
            items = []
            for index in range(count):
                fields = [
                    self._field_state(f, f"{group.path}.{index}.{f.path}") for f in group.fields
                ]
                remove = self._raw(f"{group.path}.{index}.remove") == "1"
                items.append(ItemState(index, fields, remove))
            return GroupState(group, known, items)
        stored = get_path(self.record, group.path)
        if stored is None:
            known = UNKNOWN if group.path in self.dont_know else ""
        else:
            known = "yes" if stored else "no"
        items = []
        for index in range(len(stored or []) + extra):
            fields = [self._field_state(f, f"{group.path}.{index}.{f.path}") for f in group.fields]
            items.append(ItemState(index, fields))
        return GroupState(group, known, items)

    # -- turning typed values into record values ----------------------------------------------
    def _clean(self, state: FieldState) -> Any:
        f = state.field
        raw = state.value
        if f.kind == "multi":
            chosen = [v for v in raw if isinstance(v, str)]
            allowed = {code for code, _label in f.choices}
            if any(v not in allowed | {NONE} for v in chosen):
                raise FieldError(_("Choose from the options shown."))
            if NONE in chosen and len(chosen) > 1:
                raise FieldError(
                    _("You chose 'none' and also picked some. Choose one or the other.")
                )
            if state.dont_know and chosen:
                raise FieldError(
                    _("You chose 'I don't know' and also picked some. Choose one or the other.")
                )
            if NONE in chosen:
                return []
            return chosen or None
        assert isinstance(raw, str)
        if state.dont_know and raw.strip() and f.kind not in {"choice", "yesno"}:
            raise FieldError(
                _("You ticked 'I don't know' and also wrote a value. Clear one of them.")
            )
        if f.kind == "yesno":
            if raw not in {"", "yes", "no"}:
                raise FieldError(_("Choose yes, no or I don't know."))
            return None if raw == "" else raw == "yes"
        if f.kind == "choice":
            if raw == "":
                return None
            if raw not in {code for code, _label in f.choices}:
                raise FieldError(_("Choose from the options shown."))
            return int(raw) if f.numeric else raw
        if f.kind == "int":
            return clean_int(raw, f.low, f.high)
        if f.kind == "date":
            return clean_date(raw)
        if f.kind == "drugs":
            return clean_drugs(raw, self.kb, f.max_length)
        if f.kind == "lines":
            text = clean_text(raw, f.max_length, multiline=True)
            return [line.strip() for line in text.splitlines() if line.strip()] if text else None
        if is_country(f) and raw.strip():
            code = country_code(raw)  # the core's reader: China, 中国, USA, Deutschland, CN
            if code is None:
                raise FieldError(
                    _(
                        "We could not read this country. Write its name or two-letter code, "
                        "for example China, 中国, US or NL."
                    )
                )
            return code
        return clean_text(raw, f.max_length, multiline=f.kind == "textarea")

    def _clean_into(self, state: FieldState, target: dict[str, Any], path: str) -> None:
        try:
            value = self._clean(state)
        except FieldError as exc:
            state.errors.append(str(exc))
            return
        set_path(target, path, value)
        if state.dont_know and value is None:
            self.new_dont_know.add(state.key)

    def _clean_group(self, state: GroupState, record: dict[str, Any]) -> None:
        group = state.group
        kept: list[dict[str, Any]] = []
        for item in state.items:
            if item.remove or item.blank:
                continue
            new_index = len(kept)
            values: dict[str, Any] = {}
            for fs in item.fields:
                before = len(fs.errors)
                try:
                    value = self._clean(fs)
                except FieldError as exc:
                    fs.errors.append(str(exc))
                    continue
                if value is None and fs.field.required_in_item and len(fs.errors) == before:
                    fs.errors.append(_("Needed for each entry: fill it in or remove the entry."))
                    continue
                if value is not None:
                    values[fs.field.path] = value
                elif fs.dont_know:
                    self.new_dont_know.add(f"{group.path}.{new_index}.{fs.field.path}")
            kept.append(values)
        known = state.known if state.known in {"yes", "no", UNKNOWN} else ""
        if known == "no" and kept:
            state.errors.append(
                _("You answered no, but filled in entries below. Change the answer or clear them.")
            )
        elif known == "yes" and not kept:
            state.errors.append(
                _("You answered yes: add at least one entry, or choose I don't know.")
            )
        elif known == UNKNOWN and kept:
            state.errors.append(
                _(
                    "You chose I don't know, but filled in entries below. "
                    "Change the answer or clear them."
                )
            )
        if known == "no":
            record[group.path] = []
        elif kept:
            record[group.path] = kept
        else:
            record.pop(group.path, None)
            if known == UNKNOWN:
                self.new_dont_know.add(group.path)

    def is_valid(self) -> bool:
        """Clean every field, then let the core's model check the whole record."""
        assert self.bound, "only a submitted form can be valid"
        record = copy.deepcopy(dict(self.record))
        for key, state in self._fields.items():
            self._clean_into(state, record, key)
        for group in self._groups.values():
            self._clean_group(group, record)
        if self._has_errors():
            return False
        _keep_organ_details(self.record, record)
        self._check_codes(record)
        if self._has_errors():
            return False
        try:
            case = Case.model_validate(record)
        except ValidationError as exc:
            for error in exc.errors():
                self._attach(tuple(error["loc"]), self._message(dict(error)))
            return False
        self.new_record = case.to_data()
        return True

    def _check_codes(self, record: dict[str, Any]) -> None:
        disease = get_path(record, "diagnosis.disease")
        subtype = get_path(record, "diagnosis.subtype")
        known = "diagnosis.subtype" in self._fields and disease in self.kb.diseases
        if known and subtype and subtype not in self.kb.diseases[disease].subtypes:
            self._fields["diagnosis.subtype"].errors.append(
                _("This subtype does not belong to the disease chosen above.")
            )

    def _has_errors(self) -> bool:
        return bool(
            self.non_field_errors
            or any(s.errors for s in self._fields.values())
            or any(
                g.errors or any(f.errors for item in g.items for f in item.fields)
                for g in self._groups.values()
            )
        )

    def _message(self, error: dict[str, Any]) -> str:
        if error.get("type") == "value_error":
            return translate_core_message(str((error.get("ctx") or {}).get("error", "")))
        return problem_from_error(error, (), self.lang).message

    def _attach(self, loc: tuple[Any, ...], message: str) -> None:
        """Put a core validation message next to the field it is about (or at the top)."""
        parts = [str(p) for p in loc]
        while parts:
            key = ".".join(parts)
            if key in self._fields:
                self._fields[key].errors.append(message)
                return
            head = parts[0]
            if head in self._groups and len(parts) >= 2 and parts[1].isdigit():
                group = self._groups[head]
                kept = [i for i in group.items if not i.remove and not i.blank]
                index = int(parts[1])
                if index < len(kept):
                    item = kept[index]
                    name = parts[2] if len(parts) > 2 else ""
                    target = next((f for f in item.fields if f.field.path == name), None)
                    (target.errors if target else item.errors).append(message)
                    return
            parts.pop()
        self.non_field_errors.append(message)

    # -- what the view needs ---------------------------------------------------------------
    def error_count(self) -> int:
        count = len(self.non_field_errors)
        count += sum(len(s.errors) for s in self._fields.values())
        for group in self._groups.values():
            count += len(group.errors)
            count += sum(len(i.errors) + sum(len(f.errors) for f in i.fields) for i in group.items)
        return count

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for the list of problems at the top of the page."""
        out = [("", "", message) for message in self.non_field_errors]
        for section in self.sections:
            for item in section.items:
                if isinstance(item, FieldState):
                    out += [(item.html_id, str(item.field.label), m) for m in item.errors]
                    continue
                out += [(item.html_id, str(item.group.label), m) for m in item.errors]
                for entry in item.items:
                    title = f"{item.group.item_label} {entry.index + 1}"
                    out += [(item.html_id, title, m) for m in entry.errors]
                    for fs in entry.fields:
                        out += [(fs.html_id, f"{title}: {fs.field.label}", m) for m in fs.errors]
        return out

    def step_keys(self) -> set[str]:
        """Every key this step owns in the "I don't know" marks (replaced on save)."""
        return set(self._fields) | set(self._groups)


_CORE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^end \((?P<a>[^)]*)\) is before start \((?P<b>[^)]*)\)$"),
        gettext_noop("The end date (%(a)s) is before the start date (%(b)s)."),
    ),
    (
        re.compile(r"^progression \((?P<a>[^)]*)\) is before start \((?P<b>[^)]*)\)$"),
        gettext_noop(
            "The date it came back (%(a)s) is before the start of this treatment (%(b)s)."
        ),
    ),
    (
        re.compile(
            r"^patient\.birth_date \((?P<a>[^)]*)\) is after assessment_date \((?P<b>[^)]*)\)$"
        ),
        gettext_noop("The date of birth (%(a)s) is after the date of this assessment (%(b)s)."),
    ),
    (
        re.compile(
            r"^patient\.age_years \((?P<a>[^)]*)\) does not match birth_date \((?P<b>[^)]*)\).*$"
        ),
        gettext_noop(
            "The age (%(a)s) does not match the date of birth (%(b)s). Correct one of them."
        ),
    ),
)


def translate_core_message(text: str) -> str:
    """The core's English check messages, in the page's language."""
    text = text.removeprefix("Value error, ")
    for pattern, template in _CORE_MESSAGES:
        match = pattern.match(text)
        if match:
            return _(template) % match.groupdict()
    return text
