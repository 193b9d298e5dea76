"""The de-identified packet a reviewer receives, made by the core (``crossroads.steps.deid``).

The packet is frozen when it is sent: the reviewer reads what the coordinator saw and sent.
Packets frozen before the core made them (an allow-list of fields, schema
``crossroads-web.allow-list/v1``) are still shown, as plain data (:func:`packet_page` gives None).
"""

from __future__ import annotations

from typing import Any

from cases import results
from cases.models import CaseRecord
from crossroads.kb.review_data import load_review_data
from crossroads.render.packet import packet_html
from crossroads.steps.deid import Scrubber, deidentify, redaction_marks


def build_packet(record: CaseRecord, lang: str) -> dict[str, Any]:
    """What a reviewer may see of this case, as of now."""
    return deidentify(
        results.core_case(record),
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
    usual patterns.
    """
    labels = load_review_data(results.kb()).packet
    scrub = Scrubber(results.core_case(record), redaction_marks(labels, lang))
    return scrub(text)


def packet_page(packet: dict[str, Any]) -> str | None:
    """The packet as one HTML page (the core's packet renderer); None for an older packet."""
    if packet.get("schema") != "crossroads.packet/v1":
        return None
    return packet_html(packet, results.kb())
