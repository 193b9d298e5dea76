"""Command groups of the ``crossroads`` CLI, one module per area, each with ``register(app)``.

Keeping each area's commands in its own module lets the areas grow without editing ``cli.py``;
heavy imports stay inside the command functions so that start-up stays fast.
"""

AREAS = ("compare", "plan", "review", "report", "interop")
