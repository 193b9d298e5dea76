"""Every page that shows progress shows the one definition: the percentage is answered over
asked, beside the count it comes from (issue 13: "Step 2 100% · 0 of 1", "Step 4 56% · 14 of 14"
must be impossible)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import reverse

from cases import results
from cases.journey import build_steps
from cases.models import CaseRecord
from cases.progress import answered, progress
from crossroads.common.progress import completeness
from crossroads.record.case import Case
from tests.web.conftest import ROOT, World

pytestmark = pytest.mark.integration
SHOWN = {
    "en": re.compile(r"(\d+)% complete · (\d+) of (\d+) questions answered"),
    "zh-hans": re.compile(r"完成 (\d+)% · 已回答 (\d+)／(\d+) 个问题"),
}
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _example(path: Path) -> dict[str, Any]:
    return Case.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).to_data()


def _cases() -> list[Any]:
    out = [pytest.param({"schema": "crossroads.case/v1"}, id="blank")]
    out += [pytest.param(p, id=p.stem) for p in EXAMPLES if p.name != "expected.yaml"][:6]
    return out


@pytest.mark.parametrize("source", _cases())
def test_every_step_percent_is_answered_over_asked(world: World, source: Any) -> None:
    data = source if isinstance(source, dict) else _example(source)
    case = CaseRecord.objects.create(owner=world.users["patient"], title="t", data=data)
    dont_know = set(case.web.get("dont_know", []))
    for lang in ("en", "zh"):
        shown = progress(case, lang)
        assert [p.number for p in shown] == [1, 2, 3, 4, 5, 6]
        for spec, p in zip(build_steps(results.kb(), lang), shown, strict=True):
            assert (p.answered, p.total) == answered(spec, case.data, dont_know)
            assert p.percent == completeness(p.answered, p.total)
            assert (p.percent == 100) == (p.answered == p.total) == p.complete


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_pages_show_the_percent_with_its_own_count(world: World, lang: str) -> None:
    client = world.client("patient")
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    pages = [reverse("cases:overview", kwargs={"case_id": world.case.pk})]
    pages += [
        reverse("cases:step", kwargs={"case_id": world.case.pk, "number": n}) for n in range(1, 7)
    ]
    for url in pages:
        text = client.get(url).content.decode()
        found = SHOWN[lang].findall(text)
        assert len(found) == 6, url
        for pct, done, total in found:
            assert int(pct) == completeness(int(done), int(total)), (url, pct, done, total)


REPORT_ROW = {
    "en": re.compile(r"<td>(\d)\. [^<]+</td><td>(\d+) of (\d+) \((\d+)%\)</td>"),
    "zh-hans": re.compile(r"<td>(\d)\. [^<]+</td><td>(\d+) 项中已有 (\d+) 项（(\d+)%）</td>"),
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_report_made_here_counts_as_the_pages_do(world: World, lang: str) -> None:
    client = world.client("patient")
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    html = client.get(reverse("cases:report", kwargs={"case_id": world.case.pk})).content.decode()
    rows = REPORT_ROW[lang].findall(html)
    shown = progress(world.case, "zh" if lang.startswith("zh") else "en")
    if lang == "en":
        counted = [(int(s), int(d), int(t), int(p)) for s, d, t, p in rows]
    else:  # "M 项中已有 N 项": the total comes first
        counted = [(int(s), int(d), int(t), int(p)) for s, t, d, p in rows]
    assert counted == [(p.number, p.answered, p.total, p.percent) for p in shown]
    assert any(p.answered for p in shown)  # the world's case has answers: a real comparison
