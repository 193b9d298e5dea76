"""An unknown medicine, read leniently, leaves its classes open: it never settles a criterion.

Real histories name drugs the knowledge base lacks (paclitaxel, gilteritinib, a local brand).
Refusing the record loses it; reading the drug as "no class" would be a silent guess that could
turn "cannot tell" into a firm yes or no. Read leniently, the drug is kept as written, listed as
a warning with close matches, and every class stays open while it is in the record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossroads.common.errors import UnknownCodeError
from crossroads.engine.classify import Classification, classify
from crossroads.engine.codes import check_codes, unknown_agents
from crossroads.kb import KnowledgeBase, load_kb
from crossroads.record.case import Case
from crossroads.record.load import case_from_data, load_case
from tests.conftest import TODAY, example_files

pytestmark = pytest.mark.unit
UNKNOWN = "zorbalimab"  # no such medicine
EXAMPLES_WITH_AGENTS = [
    path for path in example_files() if any(line.agents for line in (load_case(path).lines or []))
]


def _statuses(result: Classification) -> dict[str, str]:
    return {
        ind.indication_id: ind.status for place in result.jurisdictions for ind in place.indications
    }


def _with_unknown_agent(case: Case, line: int) -> Case:
    lines = list(case.lines or [])
    index = line % len(lines)
    agents = [*(lines[index].agents or []), UNKNOWN]
    lines[index] = lines[index].model_copy(update={"agents": agents})
    return case.model_copy(update={"lines": lines})


def test_strict_reading_refuses_an_unknown_medicine(kb: KnowledgeBase) -> None:
    case = case_from_data({"lines": [{"agents": ["rituximab", "paclitaxl"]}]})
    with pytest.raises(UnknownCodeError) as raised:
        check_codes(case, kb, "case.yaml")
    assert "lines[0].agents[1]: 'paclitaxl' is not a medicine Crossroads knows." in str(
        raised.value
    )


def test_lenient_reading_keeps_it_and_lists_it_with_close_matches(kb: KnowledgeBase) -> None:
    case = case_from_data({"lines": [{"agents": ["Rituxan", UNKNOWN]}]})
    read = check_codes(case, kb, strict=False)
    assert (read.lines or [])[0].agents == ["rituximab", UNKNOWN]
    assert [(p.location, p.message) for p in unknown_agents(read, kb)] == [
        ("lines[0].agents[1]", f"'{UNKNOWN}' is not a medicine Crossroads knows.")
    ]


def test_an_unknown_medicine_leaves_btk_inhibitor_exposure_open(kb: KnowledgeBase) -> None:
    data = {
        "diagnosis": {"disease": "mcl"},
        "lines": [{"agents": ["rituximab", "bendamustine"]}],
        "prior_cellular_therapy": [],
    }
    known = check_codes(case_from_data(data), kb)
    data["lines"][0]["agents"].append(UNKNOWN)  # type: ignore[index]
    lenient = check_codes(case_from_data(data), kb, strict=False)
    on = dt.date(2026, 11, 30)
    before = classify(known, kb, today=on).facts.values["exposed_classes"]
    after = classify(lenient, kb, today=on).facts.values["exposed_classes"]
    assert (before.has("btk_inhibitor"), after.has("btk_inhibitor")) == (False, None)


@settings(max_examples=60, deadline=None)
@given(example=st.sampled_from(EXAMPLES_WITH_AGENTS), line=st.integers(0, 5))
def test_adding_an_unknown_medicine_never_turns_a_status_into_its_opposite(
    example: Path, line: int
) -> None:
    kb = load_kb()
    case = check_codes(load_case(example), kb)
    before = _statuses(classify(case, kb, today=TODAY))
    after = _statuses(classify(_with_unknown_agent(case, line), kb, today=TODAY))
    opposite = {"on_label": "not_on_label", "not_on_label": "on_label"}
    flipped = {i: (s, after[i]) for i, s in before.items() if after[i] == opposite.get(s)}
    assert flipped == {}
    # and nothing undecided became decided
    assert {i for i, s in after.items() if s == "needs_information"} >= {
        i for i, s in before.items() if s == "needs_information"
    }
