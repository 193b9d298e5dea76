"""The Chinese house-style checks: each rule at its edge."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.common.zh_style import half_width_hits, style_hits, to_full_width


@pytest.mark.parametrize(
    "text",
    [
        "DLBCL, HGBCL 或 PMBCL",  # between two English words
        "上午 10:30 复查",  # inside a time
        "约 1,000 人",  # inside a number
        "见 https://www.cancer.gov/a,b:c(d) 页面",  # inside a web address
        "第 0 天（转诊）：{date}",  # a placeholder
        "R-CHOP (x6)",  # no Chinese at all
        "%(name)s：您好",
    ],
)
def test_half_width_marks_inside_english_numbers_and_addresses_are_kept(text: str) -> None:
    assert half_width_hits(text) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("阿基仑赛 (Yescarta)", [5, 14]),  # a bracket pair is one mark: both halves
        ("已告知: 是", [3]),  # after Chinese, a space between
        ("ECOG 1; 目前感染", [6]),  # before Chinese
        ("是否确定?", [4]),
        ("好!", [1]),
        ("“否”,", [3]),  # Chinese quotes count as Chinese
    ],
)
def test_half_width_marks_next_to_chinese_are_found(text: str, where: list[int]) -> None:
    assert [h.at for h in half_width_hits(text)] == where


def test_each_rule_names_its_fix() -> None:
    hits = style_hits("你好, 请运行 crossroads report 或 `kb check`，见 cart-products.md")
    assert [(h.rule, h.fix) for h in hits] == [
        ("你", "write 您"),
        ("half-width", "write ，"),
        ("command", "say what to do in words"),
        ("command", "say what to do in words"),
        ("file name", "name the public source"),
    ]


def test_polite_you_and_the_name_crossroads_alone_pass() -> None:
    assert style_hits("Crossroads 只帮助整理信息，请您和治疗团队一起权衡。") == []


def test_to_full_width_fixes_marks_and_their_spaces() -> None:
    assert to_full_width("阿基仑赛 (Yescarta), 以及 ECOG 1; 目前感染: 否") == (
        "阿基仑赛（Yescarta），以及 ECOG 1；目前感染：否"
    )


@given(st.text(alphabet="阿基仑赛是否 ,:;()?!ab1", max_size=30))
def test_to_full_width_leaves_nothing_to_fix(text: str) -> None:
    assert half_width_hits(to_full_width(text)) == []
