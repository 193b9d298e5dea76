"""A line that gives only its regimen name gets the regimen's medicines, and says so.

Records often say "R-CHOP" and nothing more. Reading that as "medicines unknown" leaves every
exposure criterion open; reading it through the cited regimen list settles them. The expansion
must never contradict what the same medicines written out would give, must never touch a line
that lists its own medicines, and must leave an unknown name unknown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.common.errors import CaseFileError
from crossroads.common.values import SetValue
from crossroads.engine.classify import Classification, classify
from crossroads.engine.codes import check_codes, expand_regimen, unknown_regimens
from crossroads.engine.explain import expansion_notes
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.kb.models import Regimen
from crossroads.kb.regimens import load_regimens
from crossroads.record.case import Case, TreatmentLine
from crossroads.record.load import case_from_data, load_case
from tests.conftest import TODAY, example_files

pytestmark = pytest.mark.unit
R_CHOP = ["rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"]
REGIMENS = load_regimens()
ON = dt.date(2026, 11, 30)


def _statuses(result: Classification) -> dict[str, str]:
    return {
        ind.indication_id: ind.status for place in result.jurisdictions for ind in place.indications
    }


def _lines(case: Case) -> list[TreatmentLine]:
    return list(case.lines or [])


def test_a_regimen_name_alone_gives_its_medicines(kb: KnowledgeBase) -> None:
    written = case_from_data({"lines": [{"regimen": "R-CHOP x6"}]})
    line = _lines(check_codes(written, kb))[0]
    assert (line.agents, line.agents_from) == (R_CHOP, "R-CHOP x6")


def test_the_record_itself_is_not_changed(kb: KnowledgeBase) -> None:
    written = case_from_data({"lines": [{"regimen": "R-CHOP"}]})
    checked = check_codes(written, kb)
    assert _lines(written)[0].agents is None
    assert _lines(written)[0].agents_from is None
    # what would be saved from the checked case is plain data without the marker
    saved = checked.to_data()["lines"][0]
    assert saved == {"regimen": "R-CHOP", "agents": R_CHOP, "kind": "systemic"}
    assert "agents_from" not in Case.model_json_schema()["$defs"]["TreatmentLine"]["properties"]


def test_a_marker_cannot_be_written_in_a_case_file() -> None:
    with pytest.raises(CaseFileError, match="agents_from: is not a field of the case format"):
        case_from_data({"lines": [{"regimen": "R-CHOP", "agents_from": "R-CHOP"}]})


def test_listed_medicines_are_kept_even_when_they_differ(kb: KnowledgeBase) -> None:
    written = case_from_data(
        {"lines": [{"regimen": "R-CHOP", "agents": ["Rituxan"]}, {"regimen": "BR", "agents": []}]}
    )
    first, second = _lines(check_codes(written, kb))
    assert (first.agents, first.agents_from) == (["rituximab"], None)
    assert (second.agents, second.agents_from) == ([], None)


def test_a_regimen_field_naming_one_medicine_gives_that_medicine(kb: KnowledgeBase) -> None:
    line = _lines(check_codes(case_from_data({"lines": [{"regimen": "Brukinsa"}]}), kb))[0]
    assert (line.agents, line.agents_from) == (["zanubrutinib"], "Brukinsa")


def test_an_unknown_regimen_leaves_the_medicines_unknown(kb: KnowledgeBase) -> None:
    case = check_codes(
        case_from_data(
            {"lines": [{"regimen": "R-CHOP"}, {"regimen": "R-ICEE"}, {"kind": "radiotherapy"}]}
        ),
        kb,
    )
    assert [line.agents for line in _lines(case)] == [R_CHOP, None, None]
    assert [(p.location, p.message, p.hint) for p in unknown_regimens(case, kb)] == [
        (
            "lines[1].regimen",
            "'R-ICEE' is not a regimen Crossroads knows, so its medicines stay unknown.",
            "Did you mean 'R-ICE', 'ICE', 'R-MINE'? Or list the medicines under agents, "
            "e.g. [rituximab, bendamustine].",
        )
    ]


def test_an_unknown_regimen_without_close_names_still_says_what_to_do(kb: KnowledgeBase) -> None:
    case = check_codes(case_from_data({"lines": [{"regimen": "qqqqqqqq"}]}), kb)
    assert [p.hint for p in unknown_regimens(case, kb)] == [
        "Or list the medicines under agents, e.g. [rituximab, bendamustine]."
    ]


def test_checking_twice_keeps_the_expansion(kb: KnowledgeBase) -> None:
    once = check_codes(case_from_data({"lines": [{"regimen": "VRd"}]}), kb)
    twice = check_codes(once, kb)
    line = _lines(twice)[0]
    assert (line.agents, line.agents_from) == (
        ["bortezomib", "lenalidomide", "dexamethasone"],
        "VRd",
    )


def test_expand_regimen_returns_a_line_without_a_name_unchanged(kb: KnowledgeBase) -> None:
    line = TreatmentLine()
    assert expand_regimen(line, kb, REGIMENS) is line


def test_the_expansion_settles_exposure(kb: KnowledgeBase) -> None:
    data = {
        "diagnosis": {"disease": "mcl"},
        "prior_cellular_therapy": [],
        "lines": [{"regimen": "BR"}],
    }
    known = classify(check_codes(case_from_data(data), kb), kb, today=ON)
    data["lines"] = [{"regimen": "B-R-something"}]
    unknown = classify(check_codes(case_from_data(data), kb), kb, today=ON)
    exposed = known.facts.values["exposed_classes"]
    assert isinstance(exposed, SetValue)
    assert (exposed.has("anti_cd20"), exposed.has("btk_inhibitor")) == (True, False)
    still_open = unknown.facts.values["exposed_classes"]
    assert isinstance(still_open, SetValue)
    assert (still_open.has("anti_cd20"), still_open.has("btk_inhibitor")) == (None, None)


def test_myeloma_triple_class_exposure_from_names(kb: KnowledgeBase) -> None:
    data = {
        "diagnosis": {"disease": "mm"},
        "prior_cellular_therapy": [],
        "lines": [{"regimen": "Dara-VRd"}, {"regimen": "KPd"}],
    }
    exposed = classify(check_codes(case_from_data(data), kb), kb, today=ON).facts.values[
        "exposed_classes"
    ]
    assert isinstance(exposed, SetValue)
    assert exposed.members == frozenset(
        {"anti_cd38", "proteasome_inhibitor", "imid", "corticosteroid"}
    )
    assert exposed.complete is True


def test_notes_say_which_medicines_came_from_a_name(kb: KnowledgeBase) -> None:
    case = check_codes(
        case_from_data(
            {"lines": [{"regimen": "BR", "agents": ["bendamustine"]}, {"regimen": "R-CHOP"}]}
        ),
        kb,
    )
    assert expansion_notes(case, kb) == [
        {
            "entry": 2,
            "regimen": "R-CHOP",
            "agents": R_CHOP,
            "text": "Treatment 2 in the history: medicines taken from the regimen name R-CHOP: "
            "rituximab, cyclophosphamide, doxorubicin, vincristine, prednisone. "
            "Ask the treating team to confirm them.",
        }
    ]
    assert [n["text"] for n in expansion_notes(case, kb, "zh-Hans")] == [
        "治疗史第 2 项：根据方案名称 R-CHOP 得出的药物：利妥昔单抗、环磷酰胺、多柔比星、长春新碱、"
        "泼尼松。请向治疗团队确认。"
    ]


# -- properties --------------------------------------------------------------------------------
def _named_lines(path: Path) -> list[int]:
    return [
        i
        for i, line in enumerate(load_case(path).lines or [])
        if line.regimen and REGIMENS.resolve(line.regimen) is not None
    ]


EXAMPLES_WITH_NAMES = [path for path in example_files() if _named_lines(path)]


def test_examples_name_regimens_the_knowledge_base_knows() -> None:
    assert len(EXAMPLES_WITH_NAMES) >= 25


@settings(max_examples=60, deadline=None)
@given(example=st.sampled_from(EXAMPLES_WITH_NAMES), pick=st.lists(st.booleans(), min_size=6))
def test_dropping_listed_medicines_for_the_name_never_flips_a_status(
    example: Path, pick: list[bool]
) -> None:
    """The examples list their medicines; keeping only the regimen name of some lines (so the
    medicines come from the knowledge base) may leave a status open, never turn it around."""
    kb = load_kb()
    written = load_case(example)
    lines = _lines(written)
    chosen = [i for i in _named_lines(example) if pick[i % len(pick)]]
    for i in chosen:
        lines[i] = lines[i].model_copy(update={"agents": None})
    named = written.model_copy(update={"lines": lines})
    before = _statuses(classify(check_codes(written, kb), kb, today=TODAY))
    after = _statuses(classify(check_codes(named, kb), kb, today=TODAY))
    opposite = {"on_label": "not_on_label", "not_on_label": "on_label"}
    assert {i: (s, after[i]) for i, s in before.items() if after[i] == opposite.get(s)} == {}


@settings(max_examples=80, deadline=None)
@given(
    example=st.sampled_from(EXAMPLES_WITH_NAMES),
    regimen=st.sampled_from(REGIMENS.all),
    line=st.integers(0, 9),
    spelling=st.integers(0, 20),
)
def test_a_name_gives_exactly_what_its_medicines_written_out_give(
    example: Path, regimen: Regimen, line: int, spelling: int
) -> None:
    kb = load_kb()
    names = [regimen.names.en, *regimen.aliases]
    case = load_case(example)
    lines = _lines(case)
    index = line % len(lines)
    name = names[spelling % len(names)]
    written_out = list(lines)
    written_out[index] = lines[index].model_copy(
        update={"regimen": name, "agents": list(regimen.agents)}
    )
    name_only = list(lines)
    name_only[index] = lines[index].model_copy(update={"regimen": name, "agents": None})
    explicit = classify(
        check_codes(case.model_copy(update={"lines": written_out}), kb), kb, today=TODAY
    )
    expanded = classify(
        check_codes(case.model_copy(update={"lines": name_only}), kb), kb, today=TODAY
    )
    assert _statuses(expanded) == _statuses(explicit)
    assert expanded.facts.values == explicit.facts.values
