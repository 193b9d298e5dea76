"""How a CAR-T product is named to a reader, in one place for every page and language.

Chinese readers know a product by its official Chinese generic name (阿基仑赛 for axi-cel), the
name on the NMPA registration and on the box; a page that says 阿基仑赛 in one row and axi-cel
in the next reads like two medicines. So in Chinese a product with an official Chinese name is
called by it everywhere, with the English short name added once, in brackets, where the page
first names it (:func:`name_first_use`). A product never approved in China has no official
Chinese name (``name_zh`` is left empty in its file) and keeps its English short name, which is
also what Chinese doctors write for it. English pages use the short name.

The local brand follows in brackets when a row is about one place ("axi-cel (Yescarta)",
"阿基仑赛（奕凯达）"); a Chinese brand written with its pinyin ("奕凯达 (Yikaida)") loses the
pinyin on a Chinese page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markupsafe import Markup

from crossroads.kb.citations import SOURCE_KEYS
from crossroads.kb.models import Jurisdiction, Product

_HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _zh(lang: str) -> bool:
    return lang.startswith("zh")


def base_name(product: Product, lang: str) -> str:
    """The product's name alone: the official Chinese generic name on a Chinese page, if any."""
    if _zh(lang) and product.name_zh:
        return product.name_zh
    return product.short


def brand_name(brand: str | None, lang: str) -> str | None:
    """A brand as a page in ``lang`` shows it: without the pinyin gloss on a Chinese page."""
    if not brand:
        return None
    return brand.split(" (", 1)[0] if _zh(lang) else brand


def product_name(product: Product, lang: str, jurisdiction: Jurisdiction | None = None) -> str:
    """The product as a row or list about one place names it: name, then the brand there.

    English keeps a brand that carries its own brackets apart with a dot, never nesting them.
    """
    name = base_name(product, lang)
    brand = brand_name(product.brand.get(jurisdiction) if jurisdiction else None, lang)
    if not brand:
        return name
    if _zh(lang):
        return f"{name}（{brand}）"
    return f"{name} · {brand}" if "(" in brand else f"{name} ({brand})"


def _walk(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of page data with ``change`` applied to every sentence.

    Drawings (markup) and source lines (under a ``source`` key: cited as published, made plain
    by :mod:`crossroads.kb.citations`) are kept as they are.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {k: v if k in SOURCE_KEYS else _walk(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, change) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v, change) for v in value)
    return value


def _official(products: Iterable[Product]) -> dict[str, str]:
    """Short name to official Chinese name, for the products that have one."""
    return {p.short: p.name_zh for p in products if p.name_zh}


def chinese_names(value: Any, products: Iterable[Product], lang: str) -> Any:
    """A copy of page data where, on a Chinese page, short names give way to Chinese names.

    Sentences in the knowledge base and the grid sometimes name a product by its short name
    ("ZUMA-2（brexu-cel，68 人）"); on a Chinese page the official Chinese name is used instead,
    so one product is never called two ways. A short name already standing in brackets right
    after its Chinese name (the first-use gloss) is kept.
    """
    names = _official(products)
    if not _zh(lang) or not names:
        return value
    alternatives = "|".join(re.escape(s) for s in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"( ?)(?<![\w-])({alternatives})(?![\w-])( ?)")

    def change(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            left, short, right = match.groups()
            chinese = names[short]
            if text[: match.start(2)].endswith(f"{chinese}（"):
                return match.group()
            # the spaces that set a Latin word apart go where Chinese meets Chinese
            before, after = text[: match.start()][-1:], text[match.end() :][:1]
            left = "" if _HAN.match(before) else left
            right = "" if _HAN.match(after) else right
            return f"{left}{chinese}{right}"

        return pattern.sub(one, text)

    return _walk(value, change)


def name_first_use(value: Any, products: Iterable[Product], lang: str) -> Any:
    """A copy of a page's data where each Chinese product name carries its short name once.

    The first string (in reading order: dicts in key order, lists in order) that names a product
    by its official Chinese name gets the English short name in brackets right after it
    ("阿基仑赛（axi-cel）", or "阿基仑赛（axi-cel，奕凯达）" where a brand bracket follows);
    later mentions stay short. English pages and drawings (markup) are returned unchanged.
    """
    shorts = {chinese: short for short, chinese in _official(products).items()}
    if not _zh(lang) or not shorts:
        return value
    # longest first, so 布瑞基奥仑赛 is never read as 瑞基奥仑赛; a bracket right after is taken too
    names = "|".join(re.escape(n) for n in sorted(shorts, key=len, reverse=True))
    pattern = re.compile(f"({names})(（)?")
    pending = set(shorts)

    def one(match: re.Match[str]) -> str:
        name, bracket = match.group(1), match.group(2)
        if name not in pending:
            return match.group()
        pending.discard(name)
        short = shorts[name]
        if match.string.startswith(f"（{short}", match.end(1)):
            return match.group()
        return f"{name}（{short}，" if bracket else f"{name}（{short}）"

    return _walk(value, lambda text: pattern.sub(one, text) if pending else text)


def plain_names(value: Any, products: Iterable[Product], lang: str) -> Any:
    """Both steps for a whole Chinese page: Chinese names throughout, short names glossed once."""
    products = list(products)
    return name_first_use(chinese_names(value, products, lang), products, lang)


__all__ = [
    "base_name",
    "brand_name",
    "chinese_names",
    "name_first_use",
    "plain_names",
    "product_name",
]
