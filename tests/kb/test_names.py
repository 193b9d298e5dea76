"""Product names per language: official Chinese generic names first, short names glossed once."""

from __future__ import annotations

from markupsafe import Markup

from crossroads.kb import KnowledgeBase
from crossroads.kb.names import chinese_names, name_first_use, plain_names, product_name


def test_every_product_approved_in_china_has_its_official_chinese_name(kb: KnowledgeBase) -> None:
    for product in kb.products.values():
        in_china = any(i.jurisdiction == "CN" for i in product.indications)
        assert not in_china or product.name_zh, product.code


def test_product_chinese_name_is_the_drug_list_name(kb: KnowledgeBase) -> None:
    """One Chinese name per product: the product file and the drug list agree."""
    for product in kb.products.values():
        if product.name_zh:
            assert kb.drugs[product.code].name.zh == product.name_zh


def test_product_name_per_language_and_place(kb: KnowledgeBase) -> None:
    axi, liso = kb.products["axicabtagene ciloleucel"], kb.products["lisocabtagene maraleucel"]
    assert product_name(axi, "en", "US") == "axi-cel (Yescarta)"
    assert product_name(axi, "en", "CN") == "axi-cel · 奕凯达 (Yikaida)"
    assert product_name(axi, "zh-Hans", "CN") == "阿基仑赛（奕凯达）"
    assert product_name(axi, "zh-Hans", "US") == "阿基仑赛（Yescarta）"
    assert product_name(axi, "zh-Hans") == "阿基仑赛"
    # never approved in China: no official Chinese name, the short name stays
    assert product_name(liso, "zh-Hans", "US") == "liso-cel（Breyanzi）"


def test_short_names_give_way_to_chinese_names_on_chinese_pages(kb: KnowledgeBase) -> None:
    products = kb.products.values()
    data = {"a": "ZUMA-2（brexu-cel，68 人）和 axi-cel 对比", "source": "ZUMA-7 (axi-cel)"}
    assert chinese_names(data, products, "zh-Hans") == {
        "a": "ZUMA-2（布瑞基奥仑赛，68 人）和阿基仑赛对比",
        "source": "ZUMA-7 (axi-cel)",  # source lines stay as published
    }
    assert chinese_names(data, products, "en") == data
    # a gloss already there is kept; a longer word is not a name
    assert chinese_names("阿基仑赛（axi-cel）与 axi-cel-like", products, "zh-Hans") == (
        "阿基仑赛（axi-cel）与 axi-cel-like"
    )


def test_first_use_gets_the_gloss_and_later_uses_do_not(kb: KnowledgeBase) -> None:
    products = kb.products.values()
    data = {
        "drawing": Markup("<text>阿基仑赛</text>"),
        "rows": ["阿基仑赛（奕凯达）", "阿基仑赛和布瑞基奥仑赛"],
        "later": "瑞基奥仑赛、布瑞基奥仑赛",
    }
    assert name_first_use(data, products, "zh-Hans") == {
        "drawing": Markup("<text>阿基仑赛</text>"),
        "rows": ["阿基仑赛（axi-cel，奕凯达）", "阿基仑赛和布瑞基奥仑赛（brexu-cel）"],
        "later": "瑞基奥仑赛（relma-cel）、布瑞基奥仑赛",
    }
    assert plain_names(["axi-cel", "axi-cel"], products, "zh-Hans") == [
        "阿基仑赛（axi-cel）",
        "阿基仑赛",
    ]
    assert name_first_use(data, products, "en") == data
