"""The timeline as an iCalendar file (RFC 5545): one all-day event per dated milestone.

An event spans the whole range in which a step could fall (earliest start to latest end), and its
description says so. Event ids are stable per case and milestone (a keyed hash, see
:func:`crossroads.steps.timeline.case_key`), so importing a new version of the plan updates the
events
instead of adding copies. The calendar never holds the patient's name or any other identifier:
calendars are synced to phones and shared with family.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from crossroads.kb import KnowledgeBase
from crossroads.kb.planning import planning_for
from crossroads.steps.timeline import Timeline, when_text


def milestone_uid(tl: Timeline, milestone_id: str) -> str:
    """The event id of one milestone: the same for the same case, place and step."""
    return f"{tl.case_key}-{tl.jurisdiction.lower()}-{milestone_id}@crossroads"


def timeline_ics(tl: Timeline, kb: KnowledgeBase, lang: str = "en") -> bytes:
    """The calendar as bytes, ready to write to a ``.ics`` file."""
    planning = planning_for(kb)
    place = kb.phrase(f"ui.jurisdiction.{tl.jurisdiction}", lang)
    cal = Calendar()
    cal.add("prodid", f"-//Crossroads//CAR-T timeline {tl.kb_version}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", planning.label("svg.title", lang, place=place))
    stamp = dt.datetime.combine(tl.made_on, dt.time(0, 0), tzinfo=dt.UTC)
    for milestone in tl.milestones:
        if milestone.start is None or milestone.end is None:
            continue
        first = tl.dates(milestone.start).earliest
        last = tl.dates(milestone.end).latest
        lines = [
            when_text(planning, tl, milestone, lang),
            milestone.text.get(lang),
            *(
                f"{planning.label('source', lang)}: {b.source} [{b.confidence}]"
                for b in milestone.basis
            ),
            planning.label("ranges", lang),
            kb.phrase("urgent", lang),
        ]
        event = Event()
        event.add("uid", milestone_uid(tl, milestone.id))
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", last + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
        event.add("summary", milestone.name.get(lang))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


__all__ = ["milestone_uid", "timeline_ics"]
