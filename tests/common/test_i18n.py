"""The interface translations: complete, compiled, and in step with the templates and code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from crossroads.common.errors import BadOptionError
from crossroads.common.i18n import LOCALE_DIR, locale_name, translations, translator
from tests.conftest import ROOT

pytestmark = pytest.mark.unit
PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "crossroads.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SRC = ROOT / "src" / "crossroads"


def extracted_msgids() -> set[str]:
    """Every message id marked for translation in the templates and the Python code.

    Uses the same extractors and options as ``babel.cfg``, so a string that ``pybabel extract``
    would find is found here too.
    """
    ids: set[str] = set()
    templates = extract_from_dir(
        str(SRC / "render" / "templates"),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    code = extract_from_dir(str(SRC), method_map=[("**.py", "python")])
    for _filename, _lineno, message, _comments, _context in [*templates, *code]:
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def catalogue() -> dict[str, str]:
    with PO.open("rb") as handle:
        return {
            m.id: m.string
            for m in read_po(handle)
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)
        }


def test_babel_cfg_names_templates_and_python() -> None:
    text = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    assert "[python: src/crossroads/**.py]" in text
    assert "[jinja2: src/crossroads/render/templates/**.html]" in text
    assert "extensions = jinja2.ext.i18n" in text


def test_templates_mark_interface_strings() -> None:
    # a guard for the extraction itself: if this set were empty, the tests below would pass idly
    ids = extracted_msgids()
    assert {"Your CAR-T decision report", "Hand-over letter for the home doctor", "Page"} <= ids


def test_every_template_msgid_has_a_chinese_translation() -> None:
    zh = catalogue()
    untranslated = sorted(i for i in extracted_msgids() if not zh.get(i))
    assert untranslated == [], "add these to crossroads.po and compile the .mo"


def test_catalogue_has_no_stale_entries() -> None:
    stale = sorted(set(catalogue()) - extracted_msgids())
    assert stale == [], "these msgids are no longer used; remove them from crossroads.po"


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in catalogue().items():
        wanted = sorted(PLACEHOLDER.findall(msgid))
        assert sorted(PLACEHOLDER.findall(msgstr)) == wanted, msgid


def test_translations_have_no_fuzzy_entries() -> None:
    with PO.open("rb") as handle:
        fuzzy = [m.id for m in read_po(handle) if m.id and m.fuzzy]
    assert fuzzy == []


def test_committed_mo_matches_the_po() -> None:
    # recompile the .po exactly as `pybabel compile` does and compare byte for byte
    with PO.open("rb") as handle:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(handle, locale="zh_Hans", domain="crossroads"))
    assert compiled.getvalue() == MO.read_bytes(), (
        "crossroads.mo is out of date: run "
        "pybabel compile -d src/crossroads/locale -D crossroads -l zh_Hans"
    )


def test_translator_chinese_uses_the_catalogue() -> None:
    _ = translator("zh-Hans")
    assert _("Page") == "页码"
    assert _("Made on %(date)s") % {"date": "2026年11月30日"} == "生成日期：2026年11月30日"


def test_translator_english_returns_the_message_id() -> None:
    assert translator("en")("Whom to call") == "Whom to call"


def test_translator_unknown_message_falls_back_to_english() -> None:
    assert translator("zh-Hans")("No such message in any catalogue") == (
        "No such message in any catalogue"
    )


def test_translations_are_cached_per_language() -> None:
    assert translations("zh-Hans") is translations("zh-Hans")
    assert translations("en") is not translations("zh-Hans")


def test_locale_name_maps_product_languages() -> None:
    assert [locale_name("en"), locale_name("zh-Hans")] == ["en", "zh_Hans"]


@pytest.mark.parametrize("lang", ["zh", "zh_Hans", "fr", ""])
def test_locale_name_unknown_language_is_a_user_error(lang: str) -> None:
    with pytest.raises(BadOptionError) as caught:
        locale_name(lang)
    assert str(caught.value) == (
        f"--lang: '{lang}' is not a language Crossroads speaks; use en or zh-Hans."
    )


def test_locale_folder_holds_only_the_chinese_catalogue() -> None:
    files = sorted(str(p.relative_to(LOCALE_DIR)) for p in LOCALE_DIR.rglob("*") if p.is_file())
    assert files == [
        str(Path("zh_Hans/LC_MESSAGES/crossroads.mo")),
        str(Path("zh_Hans/LC_MESSAGES/crossroads.po")),
    ]
