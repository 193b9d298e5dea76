"""Step 3: set CAR-T beside the real alternatives for this case, as an Option Grid.

The case's derived facts decide which disease settings of the alternatives knowledge base apply
(each setting's ``applies`` criterion). When none holds because facts are missing, the grid says
which facts would decide it, never a guess. Every option of a setting is shown on the same rows,
including one shared outcome measure and the same harm rows, with "no comparable figure" where a
trial gives none; columns follow one stated rule (kind of treatment, then name), never a ranking.
The person's stated preferences order the rows (what matters most first) and add a row on how
each option meets their main goal; missing preferences become a "needs information" line.

CAR-T availability per jurisdiction is not alternatives data: it comes from the case's
classification (step 2), so the grid and ``crossroads assess`` can never disagree.
"""

from crossroads.steps.compare.data import grid_data
from crossroads.steps.compare.match import (
    COMPARE_SCHEMA_ID,
    CarTPlace,
    Column,
    OptionGrid,
    Row,
    SettingGrid,
    SettingMatch,
    compare,
    match_settings,
    order_rows,
    parse_goal,
    parse_option_codes,
)

__all__ = [
    "COMPARE_SCHEMA_ID",
    "CarTPlace",
    "Column",
    "OptionGrid",
    "Row",
    "SettingGrid",
    "SettingMatch",
    "compare",
    "grid_data",
    "match_settings",
    "order_rows",
    "parse_goal",
    "parse_option_codes",
]
