"""How complete something is, as one whole percentage: the one rule every page and report uses.

Why a module of its own: the web pages, the command line and the report each show "N of M" with
a percentage beside it, and issue 13 found them disagreeing ("Step 2 100% · 0 of 1", "56% · 14 of
14") because each rounded its own way. The percentage is answered over asked, rounded down, so
100% appears only when everything is answered; and never 0 once something is, so a start shows.
"""

from __future__ import annotations


def completeness(done: int, total: int) -> int:
    """Answered over asked as a whole percentage; a step that asks nothing is complete."""
    if total <= 0:
        return 100
    done = min(max(done, 0), total)
    percent = 100 * done // total
    return max(percent, 1) if done else 0
