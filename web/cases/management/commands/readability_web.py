"""``manage.py readability_web [--write]``: the reading level of each web step page.

Why: issue 14 asks for SMOG 8 or lower and Flesch-Kincaid grade 6 or lower for each web step as
well as each report section. The figures are taken from the pages as served (steps 1 to 6, the
sixth being the decision page), for every example case, in English and Chinese, with the same
counting rules as the report (:mod:`crossroads.common.readability`), and kept in
``docs/readability-web.md``; a test fails when that page differs from a fresh run.

Each example is loaded as a case of a throwaway patient account inside a transaction that is
rolled back, so the database is left as it was. The pages are dated the knowledge base's release
date, so the figures do not move from one day to the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from cases import results
from cases.models import CaseRecord
from crossroads.common.readability import (
    FK_GOAL,
    LONG_CHINESE,
    NOTHING,
    SMOG_GOAL,
    ChineseReading,
    Reading,
    read_chinese,
    read_english,
)
from crossroads.record.load import load_case
from crossroads.render.readability import BLOCKS, known_names, text_blocks

STEPS = range(1, 7)
DOC = "readability-web.md"
_BLOCKS = BLOCKS | {"label", "legend", "summary", "button", "option"}  # form words count too
_SKIPPED = frozenset({"script", "style", "svg", "sup", "textarea", "template", "noscript"})
CITATION = "cite"
"""The class that marks a source citation on a step page: left out of the count (see below)."""
FOR_DOCTORS = "for-doctors"
"""The class of a part written for the treating team (the label's rules on step 2, the report's
hand-over letter on the web): shown on request and left out of the count (see below)."""
_LEFT_OUT = frozenset({CITATION, FOR_DOCTORS})


def main_blocks(html: str) -> list[str]:
    """The readable text blocks inside a page's ``<main>``: what the page itself says, not the
    menus around it (read by the report's parser, :func:`text_blocks`).

    Source citations (any element with the class :data:`CITATION`: a product's label source, the
    numbered source list under a table, the source after a question) are left out, as the
    patient report leaves out its list of sources: a citation is a bibliography entry (authors,
    titles, web addresses), not prose, and no plainer words exist for it. Parts marked
    :data:`FOR_DOCTORS` (the label's own rules and how the facts matched them) are left out as
    the report's hand-over letter is: they are written for the treating team, folded away on the
    page, and the patient's part of the page says the same result in plain words.
    """
    found = text_blocks(html, blocks=_BLOCKS, skipped=_SKIPPED, left_out=_LEFT_OUT, within="main")
    return [block for section in found.values() for block in section]


def examples() -> list[Path]:
    folder = Path(settings.ROOT_DIR) / "examples"
    return sorted(p for p in folder.glob("*.yaml") if p.name != "expected.yaml")


def _pages(paths: list[Path], day: dt.date) -> Iterator[tuple[str, int, str, str]]:
    """(example, step, language, page HTML) for every example, step and language."""
    with transaction.atomic(), results.dated(day):
        reader = User.objects.create_user(username="readability-reader", role="patient")
        client = Client(HTTP_HOST="localhost")
        client.force_login(reader)
        for path in paths:
            case = CaseRecord.objects.create(
                owner=reader, title=path.stem, data=load_case(path).to_data()
            )
            case.web["jurisdictions"] = ["US", "EU", "CN"]
            case.save()
            for lang in ("en", "zh-hans"):
                reader.language = lang
                reader.save()
                for number in STEPS:
                    url = reverse("cases:step", args=[case.pk, number])
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path.stem} step {number}: {response.status_code}")
                    yield path.stem, number, lang, response.content.decode()
        transaction.set_rollback(True)


def measure(paths: list[Path]) -> dict[int, tuple[Reading, float, float, ChineseReading, int]]:
    """Per step: English counts over all examples, worst SMOG and FK, Chinese, and examples."""
    kb = results.kb()
    names = known_names(kb)
    english: dict[int, list[Reading]] = {n: [] for n in STEPS}
    chinese: dict[int, list[ChineseReading]] = {n: [] for n in STEPS}
    for _example, number, lang, html in _pages(paths, kb.release.date):
        blocks = main_blocks(html)
        if lang == "en":
            english[number].append(read_english(blocks, names))
        else:
            chinese[number].append(read_chinese(blocks))
    out = {}
    for number in STEPS:
        total = sum(english[number], NOTHING)
        zh = sum(chinese[number], ChineseReading(()))
        worst_smog = max((r.smog for r in english[number]), default=0.0)
        worst_fk = max((r.fk for r in english[number]), default=0.0)
        out[number] = (total, worst_smog, worst_fk, zh, len(english[number]))
    return out


def readability_web_markdown(paths: list[Path]) -> str:
    """``docs/readability-web.md``: the goal, then the figures per step page."""
    figures = measure(paths)
    day = results.kb().release.date
    lines = [
        "# Readability of the web step pages",
        "",
        "<!-- Generated by `manage.py readability_web --write`. Do not edit. -->",
        "",
        f"Goal for each step page: SMOG {SMOG_GOAL:.0f} or lower and Flesch-Kincaid grade "
        f"{FK_GOAL:.0f} or lower (English), counted with the same rules as the patient report "
        "(docs/readability.md). The text measured is what the page's main area shows, form "
        "labels and choices included, source citations left out (as the report leaves out its "
        "list of sources) and so is step 2's folded part for the doctors, the label's rules and "
        "how the facts matched them (as the report leaves out its hand-over letter), for every "
        "example case, dated "
        f"{day.isoformat()}. Chinese has no goal: mean sentence length in characters and the "
        f"share of sentences over {LONG_CHINESE} characters. Step 6 is the decision page.",
        "",
        "| step | examples | sentences | SMOG | FK | worst SMOG | worst FK | goal met "
        "| zh mean chars | zh over 40 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    whole = NOTHING
    for number, (total, worst_smog, worst_fk, zh, count) in figures.items():
        whole = whole + total
        met = "yes" if total.meets_goal else "**no**"
        lines.append(
            f"| {number} | {count} | {total.sentences} | {total.smog:.1f} | {total.fk:.1f} | "
            f"{worst_smog:.1f} | {worst_fk:.1f} | {met} | {zh.mean:.1f} | {zh.long_share:.0%} |"
        )
    met = "yes" if whole.meets_goal else "**no**"
    lines += [
        f"| **all** | {len(paths)} | {whole.sentences} | {whole.smog:.1f} | {whole.fk:.1f} | "
        f"| | {met} | | |",
        "",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Measure the reading level of each web step page; --write keeps it in docs/."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help=f"Write docs/{DOC}.")

    def handle(self, *args: Any, **options: Any) -> None:
        page = readability_web_markdown(examples())
        if options["write"]:
            target = Path(settings.ROOT_DIR) / "docs" / DOC
            target.write_text(page, encoding="utf-8")
            self.stdout.write(f"Wrote docs/{DOC}")
        else:
            self.stdout.write(page)
