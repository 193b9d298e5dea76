"""The de-identified packet a reviewer receives, made by the core (``crossroads.steps.deid``).

The packet is frozen when it is sent: the reviewer reads what the coordinator saw and sent. If
this build of the core has no de-identification yet, an allow-list stands in: only the listed
clinical fields leave, dates keep only their year, and nothing free-text or identifying is kept.
"""

from __future__ import annotations

from typing import Any

from cases import results
from cases.models import CaseRecord

_DATE_FIELDS = {"diagnosed", "start", "end", "progression", "last_progression", "date"}
_ALLOWED = (
    "diagnosis",
    "lines",
    "disease_status",
    "transplants",
    "transplant_eligible",
    "transplant_ineligible_reasons",
    "prior_cellular_therapy",
    "fitness",
)


def _year_only(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (str(v)[:4] if k in _DATE_FIELDS and v is not None else _year_only(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_year_only(v) for v in value]
    return value


def allow_listed(data: dict[str, Any]) -> dict[str, Any]:
    patient = data.get("patient") or {}
    kept = {key: data.get(key) for key in _ALLOWED}
    kept["age_years"] = patient.get("age_years")
    kept["sex"] = patient.get("sex")
    return {"schema": "crossroads-web.allow-list/v1", "case": _year_only(kept)}


def build_packet(record: CaseRecord, lang: str) -> dict[str, Any]:
    """What a reviewer may see of this case, as of now."""
    deidentify = results.optional("crossroads.steps.deid", "deidentify")
    case = results.core_case(record)
    if deidentify is None:
        return allow_listed(case.to_data())
    return deidentify(  # type: ignore[no-any-return]
        case,
        results.kb(),
        results.classification(record),
        jurisdictions=results.jurisdictions(record),
        today=results.today(),
        lang=lang,
    )


def scrub_question(record: CaseRecord, text: str, lang: str) -> str:
    """The coordinator's question with this case's identifiers replaced by marks.

    A question typed in a hurry can name the person ("Can Mrs Chen have CAR-T?"); reviewers must
    not see it. The core's scrubber knows the record's name, numbers, contacts and dates, and the
    usual patterns. Without it, the question goes unchanged (the coordinator sees it before
    sending, next to the reminder to check).
    """
    scrubber = results.optional("crossroads.steps.deid", "Scrubber")
    marks = results.optional("crossroads.steps.deid", "redaction_marks")
    review_data = results.optional("crossroads.kb.review_data", "load_review_data")
    if scrubber is None or marks is None or review_data is None:
        return text
    labels = review_data(results.kb()).packet
    scrub = scrubber(results.core_case(record), marks(labels, lang))
    return str(scrub(text))


def packet_page(packet: dict[str, Any]) -> str | None:
    """The packet as one HTML page (from the core's packet renderer), if this build has one."""
    render = results.optional("crossroads.render.packet", "packet_html")
    if render is None or packet.get("schema") != "crossroads.packet/v1":
        return None
    return render(packet, results.kb())  # type: ignore[no-any-return]
