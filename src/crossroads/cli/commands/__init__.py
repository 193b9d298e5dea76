"""Command groups of the ``crossroads`` CLI, one module per area, each with ``register(app)``.

Keeping each area's commands in its own module lets the areas grow without editing ``cli.py``;
heavy imports stay inside the command functions so that start-up stays fast. Typer builds every
registered command at start, so a run registers only the area its command belongs to
(:func:`areas_for`); ``--help`` and anything unknown register them all.
"""

from __future__ import annotations

from collections.abc import Sequence

# area module -> the top-level command names it registers (a test keeps this in step)
AREAS: dict[str, tuple[str, ...]] = {
    "compare": ("compare", "values"),
    "plan": ("timeline", "readiness", "actions"),
    "review": ("review", "packet", "summary", "sentences"),
    "report": ("report", "readability"),
    "interop": ("fhir", "trials"),
    "records": ("records",),
    "screen": ("screen", "synth"),
}
CORE_COMMANDS = frozenset({"assess", "output-schema", "tour", "case", "kb"})


def areas_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The areas a command line needs: none for a core command, one for an area's command."""
    first = next((arg for arg in argv[1:] if not arg.startswith("-")), None)
    if first in CORE_COMMANDS:
        return ()
    for area, names in AREAS.items():
        if first in names:
            return (area,)
    return tuple(AREAS)
