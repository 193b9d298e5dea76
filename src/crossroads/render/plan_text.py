"""Plain-text views of the timeline, the readiness checklist and the action plan.

Plain lines (no terminal styling) so that the output reads the same in a terminal, a pasted
message or a golden test file. Each renderer takes the JSON-ready data of its step, so the text,
JSON and other formats always say the same thing.
"""

from __future__ import annotations

from typing import Any

from crossroads.kb import KnowledgeBase
from crossroads.kb.planning import Planning, planning_for


def _product_name(row: dict[str, Any]) -> str:
    return str(row["name"])


def _colon(lang: str) -> str:
    return "：" if lang.startswith("zh") else ": "


def _cited(planning: Planning, basis: dict[str, Any], lang: str, indent: str) -> list[str]:
    lines = [
        f"{indent}{planning.label('source', lang)}{_colon(lang)}{basis['source']} "
        f"[{basis['confidence']}] ({basis['id']})"
    ]
    if basis["flag"]:
        lines.append(f"{indent}⚠ {basis['flag']}")
    return lines


def timeline_text(data: dict[str, Any], kb: KnowledgeBase) -> str:
    """The timeline in plain text, from :func:`crossroads.steps.timeline.timeline_data`."""
    planning = planning_for(kb)
    lang = data["lang"]

    def label(key: str, **values: object) -> str:
        return planning.label(key, lang, **values)

    place = label("place", place=data["jurisdiction_label"])
    if not data["place_given"]:
        place += " " + label("place_default")
    out = [label("title"), place]
    out.append(label("start_given" if data["start_given"] else "start_default", date=data["start"]))
    if data["product"]:
        out.append(label("product_chosen", name=_product_name(data["product"])))
        out.append(data["product"]["status_text"])
    elif data["products_used"]:
        names = ("、" if lang.startswith("zh") else ", ").join(
            _product_name(p) for p in data["products_used"]
        )
        out.append(label("product_none", names=names))
    else:
        out.append(label("product_none_class"))
    kb_info = data["knowledge_base"]
    out.append(kb.phrase("ui.kb", lang, version=kb_info["version"], date=kb_info["date"]))
    out += ["", label("flags")]
    for flag in data["flags"]:
        out.append(f"  [{label('flag.' + flag['status'])}] {flag['name']}")
        if flag["text"]:
            out.append(f"    {flag['text']}")
        out += [f"    - {why}" for why in flag["why"]]
        out += [
            f"    - {kb.phrase('needs_information', lang, ask=need['ask'])}"
            for need in flag["needs"]
        ]
        out.append(
            f"    {label('rule')} {flag['rule']} · {label('source')}{_colon(lang)}{flag['source']} "
            f"[{flag['confidence']}]"
        )
        if flag["flag"]:
            out.append(f"    ⚠ {flag['flag']}")
    out += ["", label("milestones")]
    dated = [m for m in data["milestones"] if m["dated"]]
    for i, milestone in enumerate(dated, start=1):
        out.append(f"  {i}. {milestone['name']}{_colon(lang)}{milestone['when']}")
        out.append(f"     {milestone['text']}")
        for basis in milestone["basis"]:
            if basis["text"] != milestone["text"]:
                out.append(f"     · {basis['text']}")
            out += _cited(planning, basis, lang, "     ")
        for note in milestone["notes"]:
            out.append(f"     · {note['text']}")
            out += _cited(planning, note, lang, "       ")
    undated = [m for m in data["milestones"] if not m["dated"]]
    if undated:
        out += ["", label("undated")]
        for milestone in undated:
            out.append(f"  - {milestone['name']}{_colon(lang)}{milestone['text']}")
            for basis in milestone["basis"]:
                out.append(f"     · {basis['text']}")
                out += _cited(planning, basis, lang, "       ")
    out += ["", label("ranges"), data["urgent"], data["notice"]]
    return "\n".join(out) + "\n"


def readiness_text(data: dict[str, Any], kb: KnowledgeBase) -> str:
    """The readiness checklist in plain text, from
    :func:`crossroads.steps.readiness.readiness_data`."""
    planning = planning_for(kb)
    lang = data["lang"]

    def label(key: str, **values: object) -> str:
        return planning.label(key, lang, **values)

    out = [label("readiness.title")]
    if data["jurisdiction_label"]:
        out.append(label("readiness.place", place=data["jurisdiction_label"]))
    elif data["treatment_country"]:
        out.append(label("readiness.place_other", country=data["treatment_country"]))
    else:
        out.append(label("readiness.place_unknown"))
    if data["cross_border"]:
        out.append(label("readiness.cross_border"))
    for group in ("records", "practical"):
        out += ["", label(f"readiness.{group}")]
        for item in (i for i in data["items"] if i["group"] == group):
            detail = ""
            if item["detail"]:
                zh = lang.startswith("zh")
                detail = f"（{item['detail']}）" if zh else f" ({item['detail']})"
            out.append(f"  [{item['state_text']}] {item['name']}{detail}")
            if item["state"] != "known":
                key = "ask_hospital" if group == "records" else "todo"
                out.append(f"      {label(key)}{_colon(lang)}{item['ask']}")
    out += ["", label("readiness.steps")]
    for step in data["steps"]:
        out.append(
            "  "
            + label(
                "score",
                step=step["step"],
                name=step["name"],
                known=step["known"],
                total=step["total"],
                percent=step["percent"],
            )
        )
        out += [f"    - {gap['text']}" for gap in step["gaps"]]
    out += ["", data["urgent"], data["notice"]]
    return "\n".join(out) + "\n"


def actions_text(data: dict[str, Any], kb: KnowledgeBase) -> str:
    """The action plan in plain text, from :func:`crossroads.steps.actions.actions_data`."""
    planning = planning_for(kb)
    lang = data["lang"]

    def label(key: str, **values: object) -> str:
        return planning.label(key, lang, **values)

    out = [label("actions.title"), label("actions.made_on", date=data["made_on"])]
    if data["urgent"]:
        out.append(label("actions.urgent"))
    out.append("")
    for action in data["actions"]:
        box = "[x]" if action["done"] else "[ ]"
        due = label("due", date=action["due"]) if action["due"] else label("no_due")
        tail = f" · {label('from_case')}" if action["origin"] == "case" else ""
        if action["overdue"]:
            due += f" ({label('overdue')})"
        out.append(f"  {box} {action['title']}")
        out.append(f"      {action['owner_text']} · {due} · {action['id']}{tail}")
    out += ["", data["notice"]]
    return "\n".join(out) + "\n"


__all__ = ["actions_text", "readiness_text", "timeline_text"]
