"""The de-identified specialist packet (step 5): what a reviewer may see, and nothing more.

One job per module:

- ``normalise``: the Unicode-normalised view that matching runs on (NFKC, invisible characters
  removed, dashes and look-alike letters folded), mapped back to the original text;
- ``vocab``, ``trie``: shared pattern pieces, and many literals as one trie-shaped pattern;
- ``patterns``, ``facilities``: generic identifiers, and hospital names in English and Chinese;
- ``identifiers``: the record's own identifiers in their variants;
- ``scrub``: the :class:`Scrubber` that applies all of them in linear time;
- ``clock``: dates as months from an anchor, shifted dates, ages;
- ``packet``: :func:`deidentify`, the allow-listed packet data.

Automatic scrubbing can miss things, so the packet says that a coordinator must read it before it
is sent (security.md DI-2). See ``tests/steps/test_deid.py`` for the leak tests.
"""

from crossroads.steps.deid.clock import shift_months, shifted
from crossroads.steps.deid.packet import (
    MAX_FREE_TEXT,
    PACKET_SCHEMA_ID,
    check_free_text,
    deidentify,
    known_codes,
)
from crossroads.steps.deid.scrub import Scrubber, redaction_marks

__all__ = [
    "MAX_FREE_TEXT",
    "PACKET_SCHEMA_ID",
    "Scrubber",
    "check_free_text",
    "deidentify",
    "known_codes",
    "redaction_marks",
    "shift_months",
    "shifted",
]
