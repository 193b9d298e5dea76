"""Interface strings in English and Simplified Chinese, through gettext.

Why two sources of words: generated clinical text (reasons, categories, facts) comes from the
knowledge base, where each fact carries its own ``en`` and ``zh`` text next to its source. The
words of the interface itself (headings, labels, the footer) are not clinical facts; they are
translated here with standard gettext catalogues so that translators can use their usual tools.

The English text is the message id. The Chinese catalogue lives in
``locale/zh_Hans/LC_MESSAGES/crossroads.po`` and its compiled ``.mo`` sits next to it; a test
fails when the two drift apart or when a template string has no translation. To update them::

    pybabel extract -F babel.cfg -o crossroads.pot .
    pybabel update -i crossroads.pot -d src/crossroads/locale -D crossroads -l zh_Hans
    # translate the new entries in the .po, then
    pybabel compile -d src/crossroads/locale -D crossroads -l zh_Hans
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Final

from crossroads.common.errors import BadOptionError

DOMAIN = "crossroads"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
LANGS = ("en", "zh-Hans")
"""Languages of the product, as written in case files and on the command line."""
DEFAULT_LANG: Final = "en"
"""The language written when none is asked for or recorded (CLI, web, API alike)."""


def product_lang(tag: str | None) -> str:
    """The product language for a language tag from elsewhere: Django's ``zh-hans``, a
    browser's ``zh-CN``, an account setting. Chinese tags give ``zh-Hans``; any other tag, or
    none, gives :data:`DEFAULT_LANG`, so every interface falls back the same way."""
    return "zh-Hans" if (tag or "").strip().lower().startswith("zh") else DEFAULT_LANG


Gettext = Callable[[str], str]


def locale_name(lang: str) -> str:
    """The gettext/Babel locale folder name of a product language (``zh-Hans`` -> ``zh_Hans``)."""
    if lang not in LANGS:
        raise BadOptionError(
            f"--lang: '{lang}' is not a language Crossroads speaks; use en or zh-Hans."
        )
    return lang.replace("-", "_")


@lru_cache(maxsize=len(LANGS))
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of one language; English is the message ids themselves.

    A missing Chinese catalogue is a packaging bug, so it raises instead of falling back to
    English silently.
    """
    name = locale_name(lang)
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[name])


def translator(lang: str) -> Gettext:
    """The ``_`` function for one language: ``translator("zh-Hans")("Sources")`` -> ``"来源"``."""
    return translations(lang).gettext
