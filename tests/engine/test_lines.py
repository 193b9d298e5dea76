"""Lines of therapy from dated medicine records: every rule at its boundary, and properties.

The rules and their numbers come from ``kb/data/lines.yaml`` (Meng et al. 2019/2021; IMWG for
myeloma). Each boundary test puts an event on the day before, on, and after a limit: the limits
are "within N days" (included) and "more than M days" (excluded), so N and M keep one line and
N + 1, M + 1 start a new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.common.dates import PartialDate
from crossroads.engine.lines import (
    LinesResult,
    MedicineEvent,
    ProcedureEvent,
    Reason,
    derive_lines,
)
from crossroads.kb import KnowledgeBase
from crossroads.kb.fhir_maps import LINE_REASONS
from crossroads.kb.lines import load_line_rules
from crossroads.kb.models import Drug, DrugClass, Text

pytestmark = pytest.mark.unit

RULES = load_line_rules()
WINDOW = RULES.data.regimen_window_days.value
GAP = RULES.data.gap_days.value
CONDITIONING = RULES.data.conditioning_days.value
AFTER_TRANSPLANT = RULES.data.myeloma.after_transplant_days.value
TANDEM = RULES.data.myeloma.tandem_days.value
DAY0 = dt.date(2024, 1, 1)
R_CHOP = ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone")
R_ICE = ("rituximab", "ifosfamide", "carboplatin", "etoposide")


def day(n: int) -> PartialDate:
    return PartialDate.parse(DAY0 + dt.timedelta(days=n))


def med(
    agent: str | None, start: int | str | None, end: int | None = None, **kw: str
) -> MedicineEvent:
    when = day(start) if isinstance(start, int) else (PartialDate.parse(start) if start else None)
    source = kw.pop("source", f"MedicationAdministration/{agent}-{start}")
    return MedicineEvent(agent, when, day(end) if end is not None else None, source, **kw)


def cycles(agents: tuple[str, ...], first: int, count: int, every: int) -> list[MedicineEvent]:
    return [med(a, first + c * every) for c in range(count) for a in agents]


def count(result: LinesResult) -> int | None:
    return result.count


def keys(result: LinesResult) -> list[list[str]]:
    return [[r.key for r in line.reasons] for line in result.lines]


@pytest.fixture(scope="module")
def kb_supportive(kb: KnowledgeBase) -> KnowledgeBase:
    """The knowledge base with one supportive medicine (its class comes from another branch)."""
    cls = DrugClass(code="supportive_care", name=Text(en="supportive care", zh="支持治疗"))
    drug = Drug(
        code="ondansetron",
        name=Text(en="ondansetron", zh="昂丹司琼"),
        classes=["supportive_care"],
        source="test fixture: a supportive medicine",
        as_of=dt.date(2026, 11, 30),
        confidence="U",
    )
    return dataclasses.replace(
        kb,
        drug_classes={**kb.drug_classes, cls.code: cls},
        drugs={**kb.drugs, drug.code: drug},
        _by_name={},
        _by_disease={},
        _all=[],
        _classes={},
        unsettled={},
    )


# -- the parameters ----------------------------------------------------------------------------
def test_parameters_are_the_published_ones() -> None:
    assert (WINDOW, GAP, CONDITIONING, AFTER_TRANSPLANT, TANDEM) == (28, 180, 10, 180, 90)
    assert RULES.maintenance_agents == {"rituximab", "obinutuzumab", "lenalidomide"}
    assert RULES.substitutes_for("carboplatin", {"cisplatin", "etoposide"}) == "cisplatin"
    assert RULES.substitutes_for("oxaliplatin", {"cisplatin"}) is None


def test_every_reason_the_rules_give_has_words(kb: KnowledgeBase) -> None:
    from crossroads.kb.fhir_maps import load_fhir_maps

    maps = load_fhir_maps()
    for key in LINE_REASONS:
        assert maps.phrase(f"lines.{key}", "en")
        assert maps.phrase(f"lines.{key}", "zh-Hans")


# -- regimen window ----------------------------------------------------------------------------
@pytest.mark.parametrize(("offset", "lines"), [(WINDOW - 1, 1), (WINDOW, 1), (WINDOW + 1, 2)])
def test_a_new_medicine_joins_within_the_window_and_starts_a_line_after(
    kb: KnowledgeBase, offset: int, lines: int
) -> None:
    result = derive_lines([med("bendamustine", 0), med("polatuzumab vedotin", offset)], kb)
    assert count(result) == lines
    if lines == 1:
        assert result.lines[0].agents == ("bendamustine", "polatuzumab vedotin")
        assert keys(result) == [["opened_first"]]
    else:
        assert [ln.agents for ln in result.lines] == [("bendamustine",), ("polatuzumab vedotin",)]
        assert keys(result) == [["opened_first"], ["opened_new_agent"]]
        assert result.lines[1].reasons[0].as_dict() == {
            "agent": "polatuzumab vedotin",
            "date": str(day(offset)),
            "limit": str(WINDOW),
        }


def test_the_same_medicines_after_the_window_stay_in_the_line(kb: KnowledgeBase) -> None:
    result = derive_lines(cycles(R_CHOP, 0, 6, 21), kb)
    assert count(result) == 1
    line = result.lines[0]
    assert line.case_line() == {
        "kind": "systemic",
        "agents": ["cyclophosphamide", "doxorubicin", "rituximab", "vincristine", "prednisone"],
        "start": "2024-01-01",
        "end": "2024-04-15",
    }
    assert len(line.sources) == 30


# -- gap ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("gap", "lines"), [(GAP - 1, 1), (GAP, 1), (GAP + 1, 2)])
def test_a_gap_of_more_than_m_days_starts_a_line_even_with_the_same_medicine(
    kb: KnowledgeBase, gap: int, lines: int
) -> None:
    result = derive_lines([med("bendamustine", 0, 30), med("bendamustine", 30 + gap)], kb)
    assert count(result) == lines
    if lines == 2:
        assert result.lines[1].reasons == (
            Reason.of("opened_gap", agent="bendamustine", days=GAP + 1, limit=GAP),
        )
        assert str(result.lines[0].end) == str(day(30))


def test_a_medicine_still_going_keeps_its_line_open(kb: KnowledgeBase) -> None:
    ongoing = med("ibrutinib", 0, status="active")
    result = derive_lines([ongoing, med("ibrutinib", GAP + 400)], kb)
    assert count(result) == 1
    assert result.lines[0].case_line() == {
        "kind": "systemic",
        "agents": ["ibrutinib"],
        "start": "2024-01-01",
    }


# -- substitution and dropped medicines --------------------------------------------------------
def test_a_listed_substitution_does_not_start_a_line(kb: KnowledgeBase) -> None:
    events = [*cycles(("cisplatin", "etoposide"), 0, 2, 21), med("carboplatin", 63)]
    result = derive_lines(events, kb, disease="lbcl")
    assert count(result) == 1
    assert result.lines[0].reasons[1:] == (
        Reason.of("joined_substitution", agent="carboplatin", other="cisplatin"),
        Reason.of("dropped", agents="cisplatin,etoposide"),
    )


def test_in_myeloma_a_substitution_is_a_new_line(kb: KnowledgeBase) -> None:
    events = [*cycles(("cisplatin", "etoposide"), 0, 2, 21), med("carboplatin", 63)]
    assert count(derive_lines(events, kb, disease="mm")) == 2


def test_dropping_medicines_does_not_start_a_line(kb: KnowledgeBase) -> None:
    events = cycles(R_CHOP, 0, 3, 21) + cycles(R_CHOP[:3] + R_CHOP[4:], 63, 3, 21)
    result = derive_lines(events, kb)
    assert count(result) == 1
    assert result.lines[0].reasons[-1] == Reason.of("dropped", agents="vincristine")


def test_of_two_last_doses_on_the_same_day_the_closer_known_one_ends_the_line(
    kb: KnowledgeBase,
) -> None:
    """Rituximab last given "June 2024", cyclophosphamide on 30 June: both may end on 30 June,
    and the dropped medicines are measured from the exact day, whatever the order of a set."""
    events = [
        med("rituximab", "2024-05-01"),
        med("cyclophosphamide", "2024-05-01"),
        med("doxorubicin", "2024-05-01"),
        med("doxorubicin", "2024-05-20"),
        med("rituximab", "2024-06"),
        med("cyclophosphamide", "2024-06-30"),
    ]
    result = derive_lines(events, kb, disease="lbcl")
    assert count(result) == 1
    assert result.lines[0].reasons[-1] == Reason.of("dropped", agents="doxorubicin")
    assert derive_lines(events[::-1], kb, disease="lbcl") == result


# -- maintenance -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("after", "kinds"), [(WINDOW, ["systemic"]), (WINDOW + 1, ["systemic", "maintenance"])]
)
def test_one_regimen_medicine_continued_alone_is_maintenance(
    kb: KnowledgeBase, after: int, kinds: list[str]
) -> None:
    last = 105  # sixth R-CHOP cycle
    events = [*cycles(R_CHOP, 0, 6, 21), med("rituximab", last + after)]
    result = derive_lines(events, kb)
    assert [ln.kind for ln in result.lines] == kinds
    assert count(result) == 1
    if len(kinds) == 2:
        assert result.lines[0].end == day(last)
        assert result.lines[1].case_line() == {
            "kind": "maintenance",
            "agents": ["rituximab"],
            "start": str(day(last + after)),
            "end": str(day(last + after)),
        }
        assert keys(result)[1] == ["maintenance"]


def test_a_medicine_not_given_as_maintenance_continued_alone_stays_in_its_line(
    kb: KnowledgeBase,
) -> None:
    events = [*cycles(("bendamustine", "venetoclax"), 0, 3, 28), med("venetoclax", 150)]
    result = derive_lines(events, kb)
    assert [ln.kind for ln in result.lines] == ["systemic"]


# -- transplant, conditioning, CAR-T -----------------------------------------------------------
def _lymphoma_history(beam_first: int = -6) -> tuple[list[MedicineEvent], list[ProcedureEvent]]:
    asct = 420
    events = cycles(R_CHOP, 0, 6, 21) + cycles(R_ICE, 335, 3, 14)
    for agent, offset in (
        ("carmustine", beam_first),
        ("etoposide", -5),
        ("cytarabine", -4),
        ("melphalan", -1),
    ):
        events.append(med(agent, asct + offset, source=f"MedicationAdministration/beam-{agent}"))
    return events, [ProcedureEvent("autologous", day(asct), "Procedure/asct")]


def test_r_chop_then_r_ice_and_transplant_is_two_lines(kb: KnowledgeBase) -> None:
    events, procedures = _lymphoma_history()
    result = derive_lines(events, kb, procedures=procedures, disease="lbcl")
    assert count(result) == 2
    second = result.lines[1]
    assert second.agents == (
        "carboplatin",
        "etoposide",
        "ifosfamide",
        "rituximab",
        "carmustine",
        "cytarabine",
        "melphalan",
    )
    assert second.end == day(420)
    assert "Procedure/asct" in second.sources
    assert keys(result)[1] == ["opened_gap", "conditioning"]


@pytest.mark.parametrize(
    ("first", "lines"), [(-(CONDITIONING - 1), 2), (-CONDITIONING, 2), (-(CONDITIONING + 1), 3)]
)
def test_conditioning_counts_only_within_its_days_before_the_transplant(
    kb: KnowledgeBase, first: int, lines: int
) -> None:
    events, procedures = _lymphoma_history(beam_first=first)
    # carmustine is new: outside the conditioning days it is a new medicine after the window
    assert count(derive_lines(events, kb, procedures=procedures, disease="lbcl")) == lines


def test_lymphodepletion_before_car_t_is_not_a_line(kb: KnowledgeBase) -> None:
    events = cycles(("rituximab", "gemcitabine", "oxaliplatin"), 0, 2, 14)
    events += [med("fludarabine", 60 - d) for d in (5, 4, 3)]
    events += [med("cyclophosphamide", 60 - d) for d in (5, 4, 3)]
    car_t = ProcedureEvent("cellular", day(60), "Procedure/car-t")
    result = derive_lines(events, kb, procedures=[car_t], disease="lbcl")
    assert count(result) == 1
    assert result.lines[0].agents == (
        "gemcitabine",
        "oxaliplatin",
        "rituximab",
        "cyclophosphamide",
        "fludarabine",
    )
    assert keys(result) == [["opened_first", "conditioning_cellular"]]


def _myeloma(lenalidomide_after: int) -> tuple[list[MedicineEvent], list[ProcedureEvent]]:
    asct = 130
    events = cycles(("bortezomib", "cyclophosphamide", "dexamethasone"), 0, 4, 28)
    events += [med("melphalan", asct - 2), med("melphalan", asct - 1)]
    events += [med("lenalidomide", asct + lenalidomide_after + 28 * k) for k in range(6)]
    return events, [ProcedureEvent("autologous", day(asct), "Procedure/asct")]


@pytest.mark.parametrize(
    ("after", "lines"),
    [(AFTER_TRANSPLANT - 1, 1), (AFTER_TRANSPLANT, 1), (AFTER_TRANSPLANT + 1, 2)],
)
def test_myeloma_induction_transplant_maintenance_is_one_line(
    kb: KnowledgeBase, after: int, lines: int
) -> None:
    events, procedures = _myeloma(after)
    result = derive_lines(events, kb, procedures=procedures, disease="mm")
    assert count(result) == lines
    if lines == 1:
        assert [ln.kind for ln in result.lines] == ["systemic", "maintenance"]
        assert result.lines[0].agents == (
            "bortezomib",
            "cyclophosphamide",
            "melphalan",
            "dexamethasone",
        )
        assert result.lines[1].agents == ("lenalidomide",)
        assert keys(result)[0] == ["opened_first", "joined_after_transplant", "conditioning"]


def test_the_same_sequence_outside_myeloma_is_two_lines(kb: KnowledgeBase) -> None:
    events, procedures = _myeloma(100)
    assert count(derive_lines(events, kb, procedures=procedures, disease="lbcl")) == 2


def test_a_transplant_sequence_with_the_disease_unknown_is_not_settled(kb: KnowledgeBase) -> None:
    events, procedures = _myeloma(100)
    result = derive_lines(events, kb, procedures=procedures)
    assert result.count is None
    assert result.case_lines() is None
    assert result.unsure == (("", Reason.of("unsure_disease")),)


@pytest.mark.parametrize(("interval", "lines"), [(TANDEM - 1, 1), (TANDEM, 1), (TANDEM + 1, 2)])
def test_a_second_myeloma_transplant_is_a_new_line_unless_tandem(
    kb: KnowledgeBase, interval: int, lines: int
) -> None:
    events = cycles(("bortezomib", "lenalidomide", "dexamethasone"), 0, 4, 21)
    first, second = 110, 110 + interval
    events += [med("melphalan", first - 2), med("melphalan", second - 2)]
    procedures = [
        ProcedureEvent("autologous", day(first), "Procedure/asct-1"),
        ProcedureEvent("autologous", day(second), "Procedure/asct-2"),
    ]
    result = derive_lines(events, kb, procedures=procedures, disease="mm")
    assert count(result) == lines
    if lines == 2:
        assert keys(result)[1] == ["opened_second_transplant", "conditioning"]
        assert result.lines[1].agents == ("melphalan",)


def test_a_lymphoma_transplant_far_from_any_line_is_not_settled(kb: KnowledgeBase) -> None:
    events = cycles(R_CHOP, 0, 6, 21)
    asct = ProcedureEvent("autologous", day(105 + GAP + 100), "Procedure/asct")
    result = derive_lines(events, kb, procedures=[asct], disease="lbcl")
    assert result.count is None
    assert [(s, r.key) for s, r in result.unsure] == [("Procedure/asct", "unsure_transplant_alone")]


# -- what never makes a line ------------------------------------------------------------------
def test_a_steroid_alone_is_not_a_line_but_joins_a_line_it_falls_in(kb: KnowledgeBase) -> None:
    alone = derive_lines([med("dexamethasone", 0)], kb)
    assert alone.lines == ()
    assert alone.count == 0
    assert [r.key for _, r in alone.left_out] == ["left_steroid"]
    within = derive_lines([med("lenalidomide", 0, 21), med("dexamethasone", 7)], kb)
    assert within.lines[0].agents == ("lenalidomide", "dexamethasone")
    later = derive_lines([med("lenalidomide", 0), med("dexamethasone", WINDOW + 1)], kb)
    assert count(later) == 1  # a steroid never advances a line
    assert later.lines[0].agents == ("lenalidomide",)


def test_planned_medicines_are_left_out(kb: KnowledgeBase) -> None:
    result = derive_lines([med("rituximab", 0), med("ibrutinib", 300, status="intended")], kb)
    assert count(result) == 1
    assert [(s, r.key) for s, r in result.left_out] == [
        ("MedicationAdministration/ibrutinib-300", "left_planned")
    ]


def test_supportive_medicines_are_left_out(kb_supportive: KnowledgeBase) -> None:
    result = derive_lines([med("rituximab", 0), med("ondansetron", 100)], kb_supportive)
    assert count(result) == 1
    assert result.lines[0].agents == ("rituximab",)
    assert [r.key for _, r in result.left_out] == ["left_supportive"]


# -- unknown medicines and vague dates ---------------------------------------------------------
@pytest.mark.parametrize("offset", [0, WINDOW, 60])
def test_an_unknown_medicine_inside_a_line_leaves_its_medicines_unknown(
    kb: KnowledgeBase, offset: int
) -> None:
    events = [*cycles(R_CHOP, 0, 6, 21), med(None, offset, source="MedicationAdministration/x")]
    result = derive_lines(events, kb)
    assert count(result) == 1
    assert result.lines[0].agents is None
    assert result.case_lines() == [{"kind": "systemic", "start": "2024-01-01", "end": "2024-04-15"}]
    assert result.lines[0].reasons[-1] == Reason.of("unknown_agent", count=1)


def test_an_unknown_medicine_outside_every_line_unsettles_the_count(kb: KnowledgeBase) -> None:
    events = [med("bendamustine", 0), med(None, 200, source="MedicationStatement/x")]
    result = derive_lines(events, kb)
    assert result.count is None
    assert result.case_lines() is None
    assert result.unsure == (
        ("MedicationStatement/x", Reason.of("unsure_unknown_outside", date=day(200))),
    )


def test_a_medicine_known_to_the_month_decides_only_when_every_day_agrees(
    kb: KnowledgeBase,
) -> None:
    clear = derive_lines([med("bendamustine", 0), med("polatuzumab vedotin", "2024-05")], kb)
    assert clear.count == 2  # every day of May is after the window and within the gap
    edge = derive_lines([med("bendamustine", 0), med("polatuzumab vedotin", "2024-06")], kb)
    assert edge.count is None  # 2024-06-29 is within 180 days of the start, 2024-06-30 is not
    assert [r.key for _, r in edge.unsure] == ["unsure_gap"]
    vague = derive_lines([med("bendamustine", 0), med("polatuzumab vedotin", "2024-01")], kb)
    assert vague.count is None  # 2024-01-05 joins the regimen, 2024-01-31 starts a line
    assert [r.key for _, r in vague.unsure] == ["unsure_window"]
    year = derive_lines([med("bendamustine", 0), med("bendamustine", "2024")], kb)
    assert year.count is None  # the same medicine again "in 2024": a gap of 0 to 365 days


def test_an_undated_anticancer_medicine_unsettles_the_count(kb: KnowledgeBase) -> None:
    result = derive_lines([med("rituximab", 0), med("ibrutinib", None, source="S/1")], kb)
    assert result.count is None
    assert result.unsure == (("S/1", Reason.of("unsure_no_date")),)


def test_no_medicines_is_no_line(kb: KnowledgeBase) -> None:
    result = derive_lines([], kb)
    assert (result.lines, result.count, result.case_lines()) == ((), 0, [])


# -- properties --------------------------------------------------------------------------------
AGENTS = ["rituximab", "bendamustine", "lenalidomide", "dexamethasone", "carboplatin", None]
EVENTS = st.lists(
    st.builds(
        lambda agent, start, length, n: med(
            agent, start, start + length if length else None, source=f"M/{n}"
        ),
        st.sampled_from(AGENTS),
        st.integers(0, 900),
        st.integers(0, 60),
        st.integers(0, 5),
    ),
    max_size=12,
)
PROCEDURES = st.lists(
    st.builds(
        lambda kind, when: ProcedureEvent(kind, day(when), f"Procedure/{kind}-{when}"),
        st.sampled_from(["autologous", "cellular"]),
        st.integers(0, 900),
    ),
    max_size=2,
)
DISEASE = st.sampled_from([None, "mm", "lbcl"])
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(EVENTS, PROCEDURES, DISEASE, st.randoms(use_true_random=False))
def test_the_order_of_the_records_never_matters(
    kb: KnowledgeBase,
    events: list[MedicineEvent],
    procedures: list[ProcedureEvent],
    disease: str | None,
    rnd: object,
) -> None:
    shuffled, shuffled_procs = list(events), list(procedures)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled_procs)  # type: ignore[attr-defined]
    first = derive_lines(events, kb, procedures=procedures, disease=disease)
    second = derive_lines(shuffled, kb, procedures=shuffled_procs, disease=disease)
    assert first == second


@SETTINGS
@given(EVENTS, PROCEDURES, DISEASE, st.integers(0, 900))
def test_a_supportive_medicine_never_changes_the_lines(
    kb_supportive: KnowledgeBase,
    events: list[MedicineEvent],
    procedures: list[ProcedureEvent],
    disease: str | None,
    when: int,
) -> None:
    before = derive_lines(events, kb_supportive, procedures=procedures, disease=disease)
    extra = med("ondansetron", when, source="M/support")
    after = derive_lines([*events, extra], kb_supportive, procedures=procedures, disease=disease)
    assert after.lines == before.lines
    assert after.unsure == before.unsure


@SETTINGS
@given(EVENTS, PROCEDURES, DISEASE, st.integers(0, 900))
def test_an_unknown_medicine_never_turns_a_count_into_another_count(
    kb: KnowledgeBase,
    events: list[MedicineEvent],
    procedures: list[ProcedureEvent],
    disease: str | None,
    when: int,
) -> None:
    before = derive_lines(events, kb, procedures=procedures, disease=disease)
    after = derive_lines(
        [*events, med(None, when, source="M/unknown")], kb, procedures=procedures, disease=disease
    )
    assert after.count is None or after.count == before.count
    if after.settled:  # any line it joins loses its medicine list, never gains a wrong one
        for old, new in zip(before.lines, after.lines, strict=True):
            assert new.agents is None or new.agents == old.agents
