"""Step 4: the timeline from referral to recovery, set against how fast the disease is moving.

Each step's length is a cited day range from the knowledge base (``kb/data/timeline.yaml``,
product ``vein_to_vein`` facts, ``logistics.yaml``), so every milestone is an interval of days
after day 0 (the referral) and every date is an earliest-latest range: uncertainty in the sources
widens the range rather than being hidden. A partial ``--start`` date widens it too.

One job per module:

- :mod:`.model`: the data (milestones, their cited basis, flags, the timeline);
- :mod:`.inputs`: reading ``--start``, ``--jurisdiction`` and ``--product``;
- :mod:`.days`: arithmetic on day ranges;
- :mod:`.logistics`: where each step's length comes from (product, place, logistics rules);
- :mod:`.milestones`: the milestones in order, and the numbers tempo rules may test;
- :mod:`.tempo`: the tempo flags and the sentences that explain them;
- :mod:`.ids`: the keyed case key used in calendar event ids;
- :mod:`.build`: putting one case's timeline together;
- :mod:`.data`: the JSON-ready form every renderer starts from.
"""

from __future__ import annotations

from crossroads.kb.places import parse_jurisdiction
from crossroads.steps.timeline.build import build_timeline
from crossroads.steps.timeline.data import timeline_data, when_text
from crossroads.steps.timeline.ids import case_key, installation_key, key_file
from crossroads.steps.timeline.inputs import parse_start, resolve_product
from crossroads.steps.timeline.model import (
    TIMELINE_SCHEMA_ID,
    Basis,
    DateRange,
    Flag,
    Milestone,
    ProductChoice,
    Timeline,
)
from crossroads.steps.timeline.tempo import flag_needs, flag_reasons

__all__ = [
    "TIMELINE_SCHEMA_ID",
    "Basis",
    "DateRange",
    "Flag",
    "Milestone",
    "ProductChoice",
    "Timeline",
    "build_timeline",
    "case_key",
    "flag_needs",
    "flag_reasons",
    "installation_key",
    "key_file",
    "parse_jurisdiction",
    "parse_start",
    "resolve_product",
    "timeline_data",
    "when_text",
]
