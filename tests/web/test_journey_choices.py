"""The journey's choice lists name exactly the codes the core's case format accepts."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from cases import journey
from crossroads.kb import load_kb
from crossroads.kb.terms import vocabulary
from crossroads.record import case

pytestmark = pytest.mark.unit


def _codes(choices: Any) -> set[str]:
    return {code for code, _label in choices}


def _literal(annotation: Any) -> set[str]:
    """Every string of a Literal, looking through Optional, list[...] and unions."""
    found: set[str] = set()
    for arg in get_args(annotation):
        if isinstance(arg, str):
            found.add(arg)
        else:
            found |= _literal(arg)
    return found


@pytest.mark.parametrize(
    ("choices", "annotation"),
    [
        (journey.RESPONSES, case.Response),
        (journey.STATES, case.DiseaseStatus.model_fields["state"].annotation),
        (journey.ANTIGEN, case.TargetAntigens.model_fields["cd19"].annotation),
        (journey.LINE_KINDS, case.TreatmentLine.model_fields["kind"].annotation),
    ],
)
def test_choices_match_the_case_format(choices: Any, annotation: Any) -> None:
    assert _codes(choices) == _literal(annotation)


def test_organ_choices_are_the_organs_the_knowledge_base_reads() -> None:
    # organ problems are free text read through the terms list ("lung: mild COPD"), so the
    # choices must name exactly the organ codes that reading produces
    assert _codes(journey.ORGANS) == set(vocabulary(load_kb()).organs.values())


def test_ecog_choices_cover_the_scale() -> None:
    field = case.Fitness.model_fields["ecog"]
    bounds = {type(m).__name__: m for m in field.metadata}
    low, high = bounds["Ge"].ge, bounds["Le"].le
    assert _codes(journey.ECOG) == {str(n) for n in range(low, high + 1)}
