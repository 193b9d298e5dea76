"""Chinese plainness over everything Crossroads can show (issue 14, item 9).

Every ``zh`` string in the knowledge base, every msgstr of the core and web catalogues, and the
rendered Chinese report, hand-over letter and reviewers' packet of every example are held to
the house style of :mod:`crossroads.common.zh_style`: full-width punctuation next to Chinese,
您 never 你, no command names, no internal file names. The few exceptions are listed below with
the reason; anything else fails with the place and the fix.
"""

from __future__ import annotations

import re

import pytest

from crossroads.common.zh_style import style_hits
from crossroads.kb import KnowledgeBase
from tests.zh_corpus import CORE_PO, WEB_PO, kb_texts, po_texts, rendered_texts

# Terminal phrases of the command line: they tell the person who typed the command which
# option to add, so the option's name is the point. No page shows them.
ALLOWED = {
    "alternatives/_catalogue.yaml.phrases.grid.goal_from_option.zh",
    "timeline.yaml.labels.start_default.zh",
    "trial_terms.yaml.phrases.trials.hidden.zh",
}


def _problems(items: list[tuple[str, str]]) -> list[str]:
    return [
        f"{where}: {hit}"
        for where, text in items
        if where not in ALLOWED
        for hit in style_hits(text)
    ]


def test_knowledge_base_chinese_follows_house_style() -> None:
    items = list(kb_texts())
    assert len(items) > 2000  # the walk reaches every data file
    assert _problems(items) == []


def test_allow_list_names_only_strings_that_exist_and_still_need_it() -> None:
    texts = dict(kb_texts())
    assert set(texts) >= ALLOWED
    assert all(style_hits(texts[where]) for where in ALLOWED)


@pytest.mark.parametrize("catalogue", [CORE_PO, WEB_PO], ids=["core", "web"])
def test_catalogue_chinese_follows_house_style(catalogue: object) -> None:
    items = list(po_texts(catalogue))  # type: ignore[arg-type]
    assert len(items) > 100
    assert _problems(items) == []


@pytest.mark.integration
def test_rendered_chinese_pages_follow_house_style(kb: KnowledgeBase) -> None:
    items = list(rendered_texts(kb))
    assert {where.split()[-1] for where, _ in items} == {"report", "handover", "packet"}
    assert _problems(items) == []


@pytest.mark.integration
def test_rendered_chinese_pages_use_plain_words(kb: KnowledgeBase) -> None:
    """Literal translations Chinese patients do not use stay out (头对头, 静脉到静脉)."""
    literal = re.compile("头对头|静脉到静脉|静脉至静脉")
    found = {where for where, text in rendered_texts(kb) if literal.search(text)}
    found |= {where for where, text in kb_texts() if literal.search(text)}
    assert found == set()


@pytest.mark.integration
def test_each_chinese_name_glossed_once_and_short_names_not_used_alone(
    kb: KnowledgeBase,
) -> None:
    """On a Chinese page a product with an official Chinese name is called by it; its English
    short name appears at most once, in brackets right after the Chinese name."""
    official = {p.short: p.name_zh for p in kb.products.values() if p.name_zh}
    pages: dict[str, list[str]] = {}
    for where, line in rendered_texts(kb):
        if not where.endswith("packet"):
            pages.setdefault(where, []).append(line)
    assert pages
    for where, lines in pages.items():
        text = "\n".join(lines)
        for short, chinese in official.items():
            uses = [m.start() for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)]
            assert len(uses) <= 1, (where, short, len(uses))
            for at in uses:
                assert text[:at].endswith(f"{chinese}（"), (where, short, text[at - 20 : at + 20])
