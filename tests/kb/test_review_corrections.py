"""Knowledge-base corrections from the independent review (issue 11, item 6).

Each was checked against the dossiers in ``shared/reference`` before it was applied: ZUMA-3 is
CR/CRi 73% with CR 60% (alternatives.md §7, ref 56c); the US liso-cel late-relapse approval is for
people not eligible for a transplant because of comorbidities or age (cart-products.md §4a); the
US community-centre figures are ref 78b of alternatives.md (78c there is Japan/EU vein-to-vein
time); the US 2-week stay-near-centre rule is from 76b (cart-products.md §0.1).
"""

from __future__ import annotations

import pytest

from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import Option, load_alternatives
from crossroads.kb.models import Indication
from crossroads.kb.planning import logistics_fact, planning_for

pytestmark = pytest.mark.unit


def _option(kb: KnowledgeBase, setting: str, code: str) -> Option:
    found = load_alternatives(kb).setting(setting).setting.options
    return next(o for o in found if o.code == code)


def _indication(kb: KnowledgeBase, product: str, ident: str) -> Indication:
    return next(i for i in kb.products[product].indications if i.id == ident)


def test_zuma_3_is_cr_cri_73_with_cr_60(kb: KnowledgeBase) -> None:
    evidence = _option(kb, "ball_rr", "car_t").evidence
    figures = {f.label.en: f.value for f in evidence.figures}
    cr_cri = "remission, complete or with counts still recovering (CR/CRi), brexu-cel"
    assert figures[f"{cr_cri} (ZUMA-3, 78 adults)"] == "73%"
    assert figures["complete remission (CR), brexu-cel (ZUMA-3, 78 adults)"] == "60%"
    assert "complete remission, brexu-cel (ZUMA-3, 78 adults)" not in figures
    assert (
        "ZUMA-3 (brexu-cel, adults): 73% went into remission, complete or with blood counts still "
        "recovering (60% complete)" in evidence.text.en
    )
    assert "73% complete remission" not in evidence.text.en
    assert "其中完全缓解 60%" in evidence.text.zh


def test_liso_cel_late_relapse_is_for_people_not_eligible_for_transplant(kb: KnowledgeBase) -> None:
    texts = []
    for setting in ("lbcl_2l_late", "lbcl_2l_early"):
        option = _option(kb, setting, "car_t")
        texts += [option.aim.text.en, option.evidence.text.en]
        texts += [f.label.en for f in option.evidence.figures]
        texts += [fit.reason.en for fit in option.goal_fit.values()]
    assert not [t for t in texts if "not going to" in t]
    aim = _option(kb, "lbcl_2l_late", "car_t").aim.text.en
    assert aim.endswith(
        "In the US, liso-cel is also approved now for people who cannot have a transplant "
        "because of other health problems or their age."
    )


def test_cn_axi_cel_third_line_conditional_approval_is_flagged(kb: KnowledgeBase) -> None:
    ind = _indication(kb, "axicabtagene ciloleucel", "cn_axi_cel_lbcl_3l")
    assert ind.approval == "conditional"
    assert ind.flag_text() is not None
    assert "That it was a conditional approval is unconfirmed" in (ind.flag_text() or "")


def test_us_liso_cel_mzl_approval_kind_is_unknown_and_flagged(kb: KnowledgeBase) -> None:
    ind = _indication(kb, "lisocabtagene maraleucel", "us_liso_cel_mzl_3l")
    assert ind.approval == "unknown"
    assert ind.flag_text() == (
        "The sources read do not say whether this is a regular or an accelerated approval."
    )


def test_relma_cel_mcl_has_no_exact_date_and_fl_window_is_flagged(kb: KnowledgeBase) -> None:
    mcl = _indication(kb, "relmacabtagene autoleucel", "cn_relma_cel_mcl_3l")
    assert (mcl.approved, mcl.approval) == ("2025", "unknown")
    fl = _indication(kb, "relmacabtagene autoleucel", "cn_relma_cel_fl_3l")
    assert (fl.flag_text() or "").startswith(
        "The sources do not say whether the 24 months run from the start or the end of the "
        "latest treatment"
    )


def test_us_community_centre_figures_cite_78b(kb: KnowledgeBase) -> None:
    tl = planning_for(kb).timeline
    rule = next(r for r, _ in planning_for(kb).rules if r.id == "may_not_wait")
    for source in (tl.consult.span("US").source, tl.apheresis.span("US").source, rule.source):
        assert "alternatives.md §0, ref 78b" in source
        assert "78c" not in source


def test_us_stay_near_centre_comes_from_76b(kb: KnowledgeBase) -> None:
    fact = logistics_fact(kb, "us_stay_near_centre")
    assert fact is not None
    assert fact.source.startswith("ARM press release 2025-06-27 on the FDA label changes")
    assert "(cart-products.md §0.1, 76b)" in fact.source
    assert "76a, 76b" not in fact.source


def test_eu_tisa_cel_stay_near_centre_confidence_agrees_and_is_flagged(kb: KnowledgeBase) -> None:
    product = next(
        f for f in kb.products["tisagenlecleucel"].facts if f.id == "tisa_cel_stay_near_eu"
    )
    class_wide = logistics_fact(kb, "eu_stay_near_centre")
    assert class_wide is not None
    assert (product.confidence, class_wide.confidence) == ("N", "N")
    for fact in (product, class_wide):
        assert "the label or news reports, some of them uncertain" in (fact.flag_text() or "")


def test_eu_no_driving_on_yescarta_names_the_abecma_leaflet(kb: KnowledgeBase) -> None:
    fact = next(
        f for f in kb.products["axicabtagene ciloleucel"].facts if f.id == "axi_cel_monitoring_eu"
    )
    assert (fact.flag_text() or "").endswith(
        "The 8 weeks without driving was found only in an older EU leaflet for another CAR-T "
        "product (Abecma), not in Yescarta's own EU texts."
    )
    driving = logistics_fact(kb, "eu_driving")
    assert driving is not None
    assert (driving.flag_text() or "").startswith("Seen only in an older EU leaflet for Abecma")
