"""One language default and one reading of language tags, for the CLI, the web and the API."""

from __future__ import annotations

import pytest

from crossroads.cli.commands.options import Lang, language_for
from crossroads.common.i18n import DEFAULT_LANG, LANGS, product_lang

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh-hans", "zh-Hans"),  # Django
        ("zh-Hans", "zh-Hans"),
        ("zh-CN", "zh-Hans"),  # a browser
        (" ZH ", "zh-Hans"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", "en"),  # not spoken: the default
        ("", "en"),
        (None, "en"),
    ],
)
def test_product_lang_of_outside_tags(tag: str | None, expected: str) -> None:
    assert product_lang(tag) == expected


def test_default_is_a_product_language_and_the_cli_falls_back_to_it() -> None:
    assert DEFAULT_LANG in LANGS
    assert (
        language_for(None, None),
        language_for(None, "zh-Hans"),
        language_for(Lang.zh, "en"),
    ) == (
        DEFAULT_LANG,
        "zh-Hans",
        "zh-Hans",
    )
