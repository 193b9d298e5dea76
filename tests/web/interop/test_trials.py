"""The clinical-trials page of a case: the core's search over the bundled study records.

Expected rows are checked by hand against the study record NCT90000004 (a made-up example in
``src/crossroads/interop/trials/data/``) and the example case
``lbcl_prior_cd19_car_t_team_question``: relapsed DLBCL, born 1980-11-05 and assessed 2026-11-01
(so 45), two lines (R-CHOP, then axi-cel), a CD19 CAR-T before. The study is not yet recruiting (so
"open" is unknown), takes large B-cell lymphoma from 18 years, at least 1 prior line, and requires
an earlier CD19 CAR-T.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from crossroads.record.load import load_case
from tests.web.factories import CaseFactory
from tests.web.interop.conftest import Team
from tests.web.interop.helpers import EXAMPLES, main_text

pytestmark = pytest.mark.integration


@pytest.fixture
def example(team: Team, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr("cases.results.today", lambda: dt.date(2026, 11, 30))
    data = load_case(EXAMPLES / "lbcl_prior_cd19_car_t_team_question.yaml").to_data()
    return CaseFactory(owner=team.users["patient"], data=data, title="Sofie")


def _page(team: Team, case: Any, persona: str = "patient", query: str = "") -> Any:
    url = reverse("interop:trials", kwargs={"case_id": case.pk}) + query
    return team.client(persona).get(url)


ROWS = [
    ("Open to new people", "unknown", "not yet recruiting"),
    (
        "Disease",
        "fits",
        "the study's conditions (Large B-cell Lymphoma) include large B-cell lymphoma (LBCL)",
    ),
    ("Age", "fits", "ages 18 Years and over; this case: 45 years"),
    (
        "Earlier lines of treatment",
        "fits",
        "the study says: “At least 1 prior line of therapy before CAR-T”; this case: Crossroads "
        "counts 2 lines; the study may count lines differently",
    ),
    (
        "Earlier CAR-T",
        "fits",
        "the study says: “Relapsed after prior CD19-directed CAR-T therapy”; this case: earlier "
        "CAR-T: CD19",
    ),
]


def test_trials_page_explains_each_point_of_the_matching_study(team: Team, example: Any) -> None:
    response = _page(team, example)
    assert response.status_code == 200
    text = main_text(response)
    assert "Sorted by how many points fit this case. This is not a ranking of the studies." in text
    assert (
        "NCT90000004: [Synthetic example] CD19/CD22 CAR-T cells after CD19 CAR-T for large "
        "B-cell lymphoma MADE-UP EXAMPLE, not a real study not yet recruiting · PHASE1 · "
        "CAR-T study · China"
    ) in text
    table = " ".join(" ".join(row) for row in ROWS)
    assert "4 fit · 1 unknown · 0 do not fit Point Outcome What the study says" in text
    assert table in text
    assert text.count("MADE-UP EXAMPLE") == 1  # the only study shown
    assert (
        "Not shown: 1 closed, 0 not about this disease or CAR-T, 3 that do not fit on at least "
        "one point. Tick the box above to see them." in text
    )
    assert "Only the study team can say whether someone can join." in text


def test_trials_page_shows_every_study_when_asked(team: Team, example: Any) -> None:
    text = main_text(_page(team, example, query="?all=1"))
    assert [
        s for s in ("NCT02513394", "NCT90000001", "NCT90000002", "NCT90000003") if s in text
    ] == [
        "NCT02513394",
        "NCT90000001",
        "NCT90000002",
        "NCT90000003",
    ]
    assert "Not shown:" not in text


def test_country_filter_keeps_only_studies_with_a_site_there(team: Team, example: Any) -> None:
    china = main_text(_page(team, example, query="?country=CN"))
    assert "NCT90000004" in china
    usa = main_text(_page(team, example, query="?country=us"))
    assert "NCT90000004" not in usa
    assert "None of the study records Crossroads has fits this search." in usa


def test_country_list_names_each_country_with_a_site(team: Team, example: Any) -> None:
    page = _page(team, example, query="?country=CN").content.decode()
    assert '<option value="CN" selected>China</option>' in page
    assert '<option value="US">United States</option>' in page


def test_a_country_that_is_not_a_country_is_refused_plainly(team: Team, example: Any) -> None:
    response = _page(team, example, query="?country=Narnia")
    assert response.status_code == 400
    assert "Choose a country from the list." in main_text(response)


def test_trials_page_is_a_case_read_in_the_audit_trail(team: Team, example: Any) -> None:
    _page(team, example)
    event = AuditEvent.objects.filter(action="case.view").get()
    assert (event.case_id, event.detail) == (example.pk, {"page": "trials"})


def test_trials_page_in_chinese(team: Team, example: Any) -> None:
    user = team.users["patient"]
    user.language = "zh-hans"
    user.save()
    text = main_text(_page(team, example))
    assert "临床试验" in text
    assert "按与本病例相符的条目数量排序。这不是对研究的优劣排名。" in text
    assert (
        "既往 CAR-T 治疗 相符 研究写明：“Relapsed after prior CD19-directed CAR-T therapy”；"
        "本病例：既往 CAR-T：CD19" in text
    )


@pytest.mark.parametrize("persona", ["caregiver", "coordinator"])
def test_the_case_team_sees_the_trials(team: Team, example: Any, persona: str) -> None:
    example.coordinator = team.users["coordinator"]
    example.save()
    from tests.web.factories import GrantFactory

    GrantFactory(case=example, caregiver=team.users["caregiver"])
    assert _page(team, example, persona).status_code == 200


@pytest.mark.parametrize("persona", ["outsider_patient", "reviewer", "admin"])
def test_trials_are_refused_like_a_missing_case(team: Team, example: Any, persona: str) -> None:
    assert _page(team, example, persona).status_code == 404
