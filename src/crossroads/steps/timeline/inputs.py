"""Reading the timeline's options: the start date, the place and a product named any way.

A person types ``--product Yescarta`` or ``--product 奕凯达``; each must find the same product, and
a near miss must say what was probably meant instead of failing silently.
"""

from __future__ import annotations

import datetime as dt

from crossroads.common.dates import PartialDate
from crossroads.common.errors import BadOptionError, UnknownProductError
from crossroads.common.messages import close_matches
from crossroads.kb import KnowledgeBase, normalise_name
from crossroads.kb.models import Product


def parse_start(value: str | dt.date | PartialDate) -> PartialDate:
    """Read a ``--start`` date (YYYY, YYYY-MM or YYYY-MM-DD); an impossible one is a user error."""
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise BadOptionError(f"--start: {exc}.") from None


def _names(product: Product) -> set[str]:
    names = {product.code, product.short, *product.brand.values()}
    if product.name_zh:
        names.add(product.name_zh)
    for brand in product.brand.values():  # "奕凯达 (Yikaida)" is also "奕凯达" and "Yikaida"
        head, _, tail = brand.partition("(")
        names |= {head.strip(), tail.rstrip(")").strip()}
    return {normalise_name(n) for n in names if n.strip()}


def resolve_product(kb: KnowledgeBase, name: str) -> Product:
    """The product a generic name, short name, brand or Chinese name stands for."""
    wanted = normalise_name(name)
    for product in kb.products.values():
        if wanted in _names(product):
            return product
    choices = sorted(
        {n for p in kb.products.values() for n in (p.code, p.short, *p.brand.values())}
    )
    lowered = {c.lower(): c for c in choices}
    matches = [lowered[m] for m in close_matches(name.strip().lower(), lowered)]
    hint = (
        f"Did you mean {', '.join(repr(m) for m in matches)}?"
        if matches
        else "See `crossroads kb list` for the names."
    )
    raise UnknownProductError(
        f"--product: '{name}' is not a CAR-T product in the knowledge base. {hint}"
    )
