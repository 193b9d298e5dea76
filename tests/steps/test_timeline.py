"""Step 4: the timeline, its tempo flags at their thresholds, and the calendar and chart exports.

Expected dates are worked out by hand from the knowledge-base day ranges (timeline.yaml, product
vein-to-vein facts, logistics.yaml): day 0 is the referral, the first visit follows after 7-14
days, cell collection 7-14 days later, and the infusion one vein-to-vein time after collection.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from crossroads.common.dates import Interval
from crossroads.common.errors import BadOptionError, UnknownProductError
from crossroads.engine.codes import check_codes
from crossroads.kb import KnowledgeBase
from crossroads.kb.planning import planning_for
from crossroads.record.case import Case
from crossroads.record.load import case_from_data
from crossroads.render.ics import timeline_ics
from crossroads.render.plan_text import timeline_text
from crossroads.render.svg import timeline_svg
from crossroads.steps.assess import prepare_case
from crossroads.steps.timeline import Timeline, build_timeline, resolve_product, timeline_data
from tests.conftest import EXAMPLES, TODAY, Golden

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plan"
START = "2026-12-01"
D = dt.date

# A DLBCL relapse 6 months after first-line R-CHOP: axi-cel and liso-cel are on label (US).
BASE: dict[str, Any] = {
    "patient": {"name": "Testy McTestface", "birth_date": "1969-04-22", "country": "US"},
    "diagnosis": {"disease": "lbcl", "subtype": "dlbcl_nos"},
    "lines": [
        {
            "regimen": "R-CHOP",
            "agents": ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"],
            "start": "2025-11",
            "end": "2026-03",
            "best_response": "CR",
            "progression": "2026-09",
        }
    ],
    "disease_status": {"state": "relapsed", "relapse_number": 1, "last_progression": "2026-09"},
    "transplants": [],
    "prior_cellular_therapy": [],
    "assessment_date": "2026-11-01",
}


def make_case(kb: KnowledgeBase, **status: Any) -> Case:
    data = copy.deepcopy(BASE)
    data["disease_status"].update(status)
    return check_codes(case_from_data(data), kb)


def build(kb: KnowledgeBase, case: Case, place: str = "US", **kw: Any) -> Timeline:
    return build_timeline(case, kb, place, start=kw.pop("start", START), today=TODAY, **kw)


def dates(tl: Timeline, ident: str) -> tuple[D, D, D, D]:
    m = tl.milestone(ident)
    assert m.start is not None and m.end is not None
    start, end = tl.dates(m.start), tl.dates(m.end)
    return start.earliest, start.latest, end.earliest, end.latest


# -- may_not_wait --------------------------------------------------------------------------------
def test_may_not_wait_raised_when_team_notes_rapid_growth(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb, rapid_progression=True))
    assert tl.flag("may_not_wait").result is True


def test_may_not_wait_raised_when_refractory_and_grew_1_month_ago(kb: KnowledgeBase) -> None:
    case = make_case(
        kb,
        state="refractory",
        last_progression="2026-10",
        rapid_progression=False,
        progression_kind="clinical",
    )
    assert tl_flag(kb, case, "may_not_wait") is True  # 2026-10 to 2026-11-01: exactly 1 month


def test_may_not_wait_not_raised_for_laboratory_only_progression(kb: KnowledgeBase) -> None:
    # e.g. myeloma: a rising paraprotein, organ function and performance status normal
    case = make_case(
        kb,
        state="refractory",
        last_progression="2026-10",
        rapid_progression=False,
        progression_kind="laboratory",
    )
    tl = build(kb, case)
    assert tl.flag("may_not_wait").result is False
    assert tl.flag("bridging_likely").result is True  # still refractory: bridging is discussed


def test_may_not_wait_unknown_when_kind_of_progression_unknown(kb: KnowledgeBase) -> None:
    case = make_case(kb, state="refractory", last_progression="2026-10", rapid_progression=False)
    tl = build(kb, case)
    assert tl.flag("may_not_wait").result is None  # unknown kind is not taken as clinical
    data = timeline_data(tl, kb)["flags"][0]
    assert data["status"] == "cannot_tell"
    assert data["needs"] == [
        {
            "fact": "clinical_progression",
            "ask": "whether the latest growth showed as symptoms, organ damage or on scans, or "
            "only in blood or urine tests (such as a rising paraprotein while organs and daily "
            "life stay normal)",
        }
    ]


def test_may_not_wait_not_raised_when_refractory_and_grew_2_months_ago(kb: KnowledgeBase) -> None:
    case = make_case(kb, state="refractory", last_progression="2026-09", rapid_progression=False)
    assert tl_flag(kb, case, "may_not_wait") is False


def test_may_not_wait_not_raised_when_relapsed_and_not_fast(kb: KnowledgeBase) -> None:
    case = make_case(kb, last_progression="2026-11", rapid_progression=False)
    assert tl_flag(kb, case, "may_not_wait") is False  # 0 months, but not refractory


def test_may_not_wait_unknown_names_rapid_progression(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb, state="refractory", last_progression="2026-09"))
    flag = tl.flag("may_not_wait")
    assert flag.result is None
    data = timeline_data(tl, kb)["flags"][0]
    assert data["status"] == "cannot_tell"
    assert data["needs"] == [
        {
            "fact": "rapid_progression",
            "ask": "whether the treating team thinks the disease is growing fast",
        }
    ]


def test_may_not_wait_unknown_when_year_only_straddles_1_month(kb: KnowledgeBase) -> None:
    # "2026" to 2026-11-01 is -1 to 10 months: it may or may not be 1 month or less.
    case = make_case(
        kb,
        state="refractory",
        last_progression="2026",
        rapid_progression=False,
        progression_kind="clinical",
    )
    tl = build(kb, case)
    assert tl.flag("may_not_wait").result is None
    assert [n["fact"] for n in timeline_data(tl, kb)["flags"][0]["needs"]] == [
        "months_since_last_progression"
    ]


# -- bridging_likely -----------------------------------------------------------------------------
def tl_flag(kb: KnowledgeBase, case: Case, rule: str) -> bool | None:
    return build(kb, case).flag(rule).result


def test_bridging_likely_when_rapid(kb: KnowledgeBase) -> None:
    case = make_case(kb, last_progression="2026-01", rapid_progression=True)
    assert tl_flag(kb, case, "bridging_likely") is True


def test_bridging_likely_when_refractory(kb: KnowledgeBase) -> None:
    case = make_case(kb, state="refractory", last_progression="2026-01", rapid_progression=False)
    assert tl_flag(kb, case, "bridging_likely") is True


def test_bridging_likely_when_grew_3_months_ago_and_wait_is_3_weeks(kb: KnowledgeBase) -> None:
    case = make_case(kb, last_progression="2026-08", rapid_progression=False)
    assert tl_flag(kb, case, "bridging_likely") is True  # 3 months; V2V 24-36 days


def test_bridging_not_likely_when_grew_4_months_ago(kb: KnowledgeBase) -> None:
    case = make_case(kb, last_progression="2026-07", rapid_progression=False)
    assert tl_flag(kb, case, "bridging_likely") is False


@pytest.mark.parametrize(
    ("v2v", "expected"),
    [(Interval(21, 21), True), (Interval(20, 20), False), (Interval(20, 22), None)],
)
def test_bridging_vein_to_vein_threshold_is_21_days(
    kb: KnowledgeBase, v2v: Interval, expected: bool | None
) -> None:
    planning = planning_for(kb)
    node = dict((r.id, n) for r, n in planning.rules)["bridging_likely"]
    facts = {
        "rapid_progression": False,
        "refractory_disease": False,
        "months_since_last_progression": Interval(2, 2),
        "days_vein_to_vein": v2v,
    }
    assert node.evaluate(facts).result is expected


# -- dates ---------------------------------------------------------------------------------------
def test_axi_cel_us_dates_from_day_0(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb), product="axi-cel")
    # consult day 7-14; collection day 14-28; infusion = collection + 24-30 = day 38-58.
    assert dates(tl, "referral") == (D(2026, 12, 1),) * 4
    assert dates(tl, "consult") == (D(2026, 12, 8), D(2026, 12, 15)) * 2
    assert dates(tl, "apheresis") == (D(2026, 12, 15), D(2026, 12, 29)) * 2
    assert dates(tl, "infusion") == (D(2027, 1, 8), D(2027, 1, 28)) * 2
    assert dates(tl, "manufacturing") == (
        D(2026, 12, 15),
        D(2026, 12, 29),
        D(2027, 1, 8),
        D(2027, 1, 28),
    )
    # Conditioning chemo on days -5 to -3.
    assert dates(tl, "lymphodepletion") == (
        D(2027, 1, 3),
        D(2027, 1, 23),
        D(2027, 1, 5),
        D(2027, 1, 25),
    )
    # Bridging from the day after collection to the day before conditioning chemo.
    assert dates(tl, "bridging") == (
        D(2026, 12, 16),
        D(2026, 12, 30),
        D(2027, 1, 2),
        D(2027, 1, 22),
    )
    # US: stay near the centre and no driving for 2 weeks.
    assert dates(tl, "stay_near_centre") == (
        D(2027, 1, 8),
        D(2027, 1, 28),
        D(2027, 1, 22),
        D(2027, 2, 11),
    )
    assert dates(tl, "driving") == dates(tl, "stay_near_centre")
    assert dates(tl, "follow_up_day_30") == (D(2027, 2, 7), D(2027, 2, 27)) * 2
    assert tl.numbers == {
        "days_to_infusion": Interval(38, 58),
        "days_vein_to_vein": Interval(24, 30),
        "days_apheresis_to_lymphodepletion": Interval(19, 25),
    }


def test_eu_stay_4_weeks_and_no_driving_8_weeks(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb), "EU", product="axi-cel")
    infusion = dates(tl, "infusion")
    assert dates(tl, "stay_near_centre") == (
        infusion[0],
        infusion[1],
        infusion[0] + dt.timedelta(days=28),
        infusion[1] + dt.timedelta(days=28),
    )
    assert dates(tl, "driving")[2:] == (
        infusion[0] + dt.timedelta(days=56),
        infusion[1] + dt.timedelta(days=56),
    )
    assert [b.id for b in tl.milestone("driving").basis] == ["eu_driving"]
    assert [b.id for b in tl.milestone("manufacturing").notes] == [
        "v2v_europe_longer",
        "manufacturing_failure",
    ]


def test_cn_driving_has_no_date_and_says_why(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb), "CN")
    driving = tl.milestone("driving")
    assert (driving.start, driving.end) == (None, None)
    assert [b.id for b in driving.basis] == ["cn_driving_unknown"]
    assert [b.id for b in tl.milestone("stay_near_centre").basis] == ["cn_stay_near_centre"]


def test_partial_start_widens_every_latest_date(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb), product="axi-cel", start="2026-12")
    assert dates(tl, "referral") == (D(2026, 12, 1), D(2026, 12, 31)) * 2
    assert dates(tl, "infusion") == (D(2027, 1, 8), D(2027, 2, 27)) * 2  # day 38 to day 58 + 30


def test_no_product_covers_every_product_on_label(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb))
    assert [p.code for p in tl.products_used] == [
        "axicabtagene ciloleucel",
        "lisocabtagene maraleucel",
    ]
    assert tl.numbers["days_vein_to_vein"] == Interval(24, 36)  # axi-cel 24-30, liso-cel 36
    assert [b.id for b in tl.milestone("manufacturing").basis] == ["axi_cel_v2v", "liso_cel_v2v"]
    assert [b.id for b in tl.milestone("lymphodepletion").basis] == ["ld_axi_cel", "ld_liso_cel"]


def test_product_without_v2v_fact_uses_the_place_figure(kb: KnowledgeBase) -> None:
    us = build(kb, make_case(kb), product="Carvykti")
    assert us.numbers["days_vein_to_vein"] == Interval(27, 43)
    assert [(b.id, b.origin) for b in us.milestone("manufacturing").basis] == [
        ("v2v_class_us", "timeline")
    ]
    cn = build(kb, make_case(kb), "CN", product="relma-cel")
    assert cn.numbers["days_vein_to_vein"] == Interval(21, 28)
    assert [(b.id, b.origin) for b in cn.milestone("manufacturing").basis] == [
        ("cn_manufacturing", "logistics")
    ]
    assert [b.id for b in cn.milestone("lymphodepletion").basis] == ["ld_class_default"]


def test_no_product_on_label_uses_class_figures(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "lbcl_late_relapse_second_line_off_label.yaml", kb)
    tl = build(kb, case, "EU")
    assert tl.products_used == ()
    assert tl.numbers["days_vein_to_vein"] == Interval(38, 51)
    assert timeline_data(tl, kb)["products_used"] == []


def test_tisa_cel_schedule_follows_the_disease(kb: KnowledgeBase) -> None:
    case = prepare_case(EXAMPLES / "fl_after_three_lines_eu_axi_cel.yaml", kb)
    tl = build(kb, case, "EU", product="Kymriah")
    assert [b.id for b in tl.milestone("lymphodepletion").basis] == ["ld_tisa_cel_fl"]


@pytest.mark.parametrize(
    ("product", "place", "status"),
    [
        ("axi-cel", "US", "on_label"),
        ("tisa-cel", "US", "not_on_label"),  # tisa-cel has no second-line LBCL indication
        ("福可苏", "US", "not_approved_here"),  # eque-cel is approved in China only
    ],
)
def test_product_status_is_stated(kb: KnowledgeBase, product: str, place: str, status: str) -> None:
    tl = build(kb, make_case(kb), place, product=product)
    assert tl.chosen is not None and tl.chosen.status == status
    data = timeline_data(tl, kb)
    assert data["product"]["status"] == status


@pytest.mark.parametrize(
    "name", ["Yescarta", "axi-cel", "Axicabtagene Ciloleucel", "奕凯达", "Yikaida", "阿基仑赛"]
)
def test_product_names_resolve(kb: KnowledgeBase, name: str) -> None:
    assert resolve_product(kb, name).code == "axicabtagene ciloleucel"


# -- bad input -----------------------------------------------------------------------------------
def test_unknown_product_lists_close_matches(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownProductError) as caught:
        build(kb, make_case(kb), product="Yescarte")
    assert str(caught.value) == (
        "--product: 'Yescarte' is not a CAR-T product in the knowledge base. "
        "Did you mean 'Yescarta', 'Tecartus'?"
    )


def test_impossible_start_date_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError) as caught:
        build(kb, make_case(kb), start="2026-02-30")
    assert str(caught.value) == "--start: day 30 does not exist in 2026-02."


def test_unknown_jurisdiction_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(BadOptionError) as caught:
        build(kb, make_case(kb), "UK")
    assert "'UK' is not one Crossroads knows. Use one of US, EU or CN." in str(caught.value)


# -- calendar and chart --------------------------------------------------------------------------
def test_ics_parses_back_with_one_all_day_event_per_dated_milestone(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb), product="axi-cel")
    raw = timeline_ics(tl, kb)
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    dated = [m for m in tl.milestones if m.dated]
    assert [str(e["summary"]) for e in events] == [m.name.en for m in dated]
    infusion = next(e for e in events if str(e["summary"]) == "CAR-T infusion (day 0)")
    assert infusion["dtstart"].dt == D(2027, 1, 8)
    assert infusion["dtend"].dt == D(2027, 1, 29)  # exclusive end after 2027-01-28
    assert all(type(e["dtstart"].dt) is dt.date for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_ics_uid_is_stable_and_names_nobody(kb: KnowledgeBase) -> None:
    case = make_case(kb)
    first = Calendar.from_ical(timeline_ics(build(kb, case, start="2026-12-01"), kb))
    later = Calendar.from_ical(timeline_ics(build(kb, case, start="2027-02-15"), kb))
    assert [str(e["uid"]) for e in first.walk("VEVENT")] == [
        str(e["uid"]) for e in later.walk("VEVENT")
    ]
    raw = timeline_ics(build(kb, case), kb).decode("utf-8")
    for secret in ("Testy", "McTestface", "1969"):
        assert secret not in raw


def test_svg_is_well_formed_and_shows_every_milestone(kb: KnowledgeBase) -> None:
    tl = build(kb, make_case(kb), product="axi-cel")
    data = timeline_data(tl, kb)
    root = ET.fromstring(timeline_svg(data, kb))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    texts = "\n".join(t.text or "" for t in root.iter(f"{ns}text"))
    for milestone in data["milestones"]:
        assert milestone["name"] in texts
    groups = [g.get("id") for g in root.iter(f"{ns}g")]
    assert groups == [f"m-{m['id']}" for m in data["milestones"] if m["dated"]]


def test_svg_escapes_text(kb: KnowledgeBase) -> None:
    data = timeline_data(build(kb, make_case(kb)), kb)
    data["milestones"][0]["name"] = 'A <b> & "c"'
    root = ET.fromstring(timeline_svg(data, kb))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert 'A <b> & "c"' in texts


# -- golden --------------------------------------------------------------------------------------
GOLDEN_CASES = [
    ("us_axi_cel_second_line_early_relapse", "US", None, "en"),
    ("lbcl_dlbcl_third_line_cn_patient_cross_border", "US", "axi-cel", "zh-Hans"),
    ("fl_two_lines_eu_axi_cel_needs_three_cn_patient", "EU", None, "en"),
    ("mm_four_lines_no_anti_cd38_cn_patient", "CN", "cilta-cel", "en"),
]


@pytest.mark.parametrize(("name", "place", "product", "lang"), GOLDEN_CASES)
def test_timeline_golden(
    kb: KnowledgeBase,
    name: str,
    place: str,
    product: str | None,
    lang: str,
    golden: Golden,
) -> None:
    case = prepare_case(EXAMPLES / f"{name}.yaml", kb)
    data = timeline_data(build(kb, case, place, product=product), kb, lang)
    suffix = "" if lang == "en" else f".{lang}"
    golden.check(
        GOLDEN / f"{name}.timeline{suffix}.json",
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
    )
    golden.check(GOLDEN / f"{name}.timeline{suffix}.txt", timeline_text(data, kb))
