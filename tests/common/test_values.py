import pytest

from crossroads.common.dates import Interval
from crossroads.common.values import SetValue, compare, tri_and, tri_not, tri_or

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("interval", "op", "bound", "expected"),
    [
        (Interval(12, 12), "le", 12, True),
        (Interval(13, 13), "le", 12, False),
        (Interval(5, 16), "le", 12, None),
        (Interval(5, 16), "gt", 3, True),
        (Interval(3, 3), "gt", 3, False),
        (Interval(2, 2), "ge", 2, True),
        (Interval(1, 1), "ge", 2, False),
        (Interval(1, 3), "ge", 2, None),
        (Interval(17, 17), "lt", 18, True),
        (Interval(18, 18), "lt", 18, False),
        (Interval(1, 1), "eq", 1, True),
        (Interval(0, 2), "eq", 1, None),
        (Interval(2, 3), "eq", 1, False),
    ],
)
def test_compare_three_valued_at_each_boundary(
    interval: Interval, op: str, bound: int, expected: bool | None
) -> None:
    assert compare(interval, op, bound) is expected


def test_kleene_tables() -> None:
    assert tri_and([True, None]) is None
    assert tri_and([False, None]) is False
    assert tri_or([True, None]) is True
    assert tri_or([False, None]) is None
    assert tri_not(None) is None
    assert tri_and([]) is True
    assert tri_or([]) is False


def test_set_value_incomplete_list_cannot_say_no() -> None:
    partial = SetValue(frozenset({"imid"}), complete=False)
    assert partial.has("imid") is True
    assert partial.has("anti_cd38") is None
    assert SetValue(frozenset({"imid"}), complete=True).has("anti_cd38") is False
