"""Report sections for deciding (journey steps 5 and 6): the four sentences and the questions.

The four sentences are the person's own where they wrote them; the rest are drafts from the
record, marked as drafts so nobody mistakes them for a decision. The questions combine those the
knowledge base raises for this case with the specific question for a specialist review.
"""

from __future__ import annotations

from typing import Any

from crossroads.render.grid import add_icon_svgs
from crossroads.render.sections import ReportInput, SourceKey, cited, source_key
from crossroads.steps.compare import compare, grid_data
from crossroads.steps.review import proposed_questions
from crossroads.steps.summary import (
    PARTS,
    decision_readiness,
    draft_sentences,
    merge_sentences,
    readiness_text,
)


def N_(message: str) -> str:  # noqa: N802 - the marker name gettext extraction looks for
    """Mark an interface string for translation; it is translated where it is shown."""
    return message


PART_LABELS = {
    "status": N_("Where the disease stands and what has been tried"),
    "options": N_("Which options are open to you now"),
    "car_t": N_("Why CAR-T is or is not the right choice now"),
    "next_step": N_("What happens next"),
}


def sentences_section(src: ReportInput) -> dict[str, Any]:
    """Step 6: the four plain sentences and whether the decision is ready to be made."""
    _ = src.gettext
    drafts = draft_sentences(src.case, src.kb, src.classification, src.lang)
    merged, from_drafts, _kept = merge_sentences(src.case.decision.sentences, drafts)
    check = decision_readiness(src.case, src.kb, src.classification)
    lines = readiness_text(check, src.kb, src.lang)
    return {
        "entries": [
            {
                "label": _(PART_LABELS[part]),
                "text": getattr(merged, part) or "",
                "draft": part in from_drafts,
            }
            for part in PARTS
        ],
        "any_draft": bool(from_drafts),
        "ready": check.ready,
        "verdict": lines[0],
        "open": lines[1:],
    }


MAX_COLUMNS = 3
"""Options per printed table: an A4 page holds three readable columns beside the row labels."""


def column_chunks(count: int, most: int = MAX_COLUMNS) -> list[list[int]]:
    """Split ``count`` option columns into balanced tables of at most ``most`` (7 -> 3, 2, 2).

    Balanced, so that no option ends up alone in a table of its own and looks singled out.
    """
    if count <= 0:
        return []
    tables = -(-count // most)
    base, extra = divmod(count, tables)
    out, start = [], 0
    for i in range(tables):
        size = base + (1 if i < extra else 0)
        out.append(list(range(start, start + size)))
        start += size
    return out


def options_section(src: ReportInput) -> dict[str, Any]:
    """Step 3: the Option Grid, every option on the same rows, split into printable tables.

    The grid numbers its sources per setting; the report lists every source once, so the
    setting's sources join the report's list and :func:`renumber_refs` points the grid's
    reference numbers at that list.
    """
    data = add_icon_svgs(grid_data(compare(src.case, src.kb, src.classification), src.kb, src.lang))
    sources = []
    for setting in data["settings"]:
        setting["chunks"] = column_chunks(len(setting["options"]))
        for entry in setting["sources"]:
            sources.append(
                {
                    "source": entry["source"],
                    "as_of": entry["as_of"],
                    "confidence": entry["confidence"],
                    "uncertain": entry["confidence"] == "U",
                    "flag": None,
                    "references": entry.get("references", []),
                }
            )
    data["sources"] = sources
    data["ruled_common"] = shared_reasons(data["ruled_out"])
    return data


def shared_reasons(ruled_out: list[dict[str, Any]]) -> list[str]:
    """The reasons that rule out every one of two or more lists, said once instead of per list.

    Why: a case outside all the lists of its disease often fails each for the same reason (a
    subtype no list covers); repeating that reason under every list made the page long and hard
    to read. Each list's entry gets ``own_reasons``: the reasons that are its alone.
    """
    common: list[str] = []
    if len(ruled_out) > 1:
        common = [
            reason
            for reason in ruled_out[0]["reasons"]
            if all(reason in other["reasons"] for other in ruled_out[1:])
        ]
    for ruled in ruled_out:
        ruled["own_reasons"] = [r for r in ruled["reasons"] if r not in common]
    return common


def renumber_refs(options: dict[str, Any], number: dict[SourceKey, int]) -> None:
    """Point every ``refs`` list of the grid at the report's numbered list of sources.

    ``number`` maps a source text to its place in the report's list; each setting's own
    ``sources`` say which text its local numbers stand for.
    """
    for setting in options["settings"]:
        local = {entry["ref"]: number[source_key(entry)] for entry in setting["sources"]}
        _renumber(setting, local)


def _renumber(node: Any, local: dict[int, int]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "refs" and isinstance(value, list):
                node[key] = sorted({local[ref] for ref in value})
            elif key != "sources":
                _renumber(value, local)
    elif isinstance(node, list):
        for item in node:
            _renumber(item, local)


def questions_section(src: ReportInput) -> dict[str, Any]:
    """Questions to ask: the knowledge base's questions for this case, then the review question."""
    raised = src.classification.questions
    return {
        "entries": [r.question.text.get(src.lang) for r in raised],
        "review": proposed_questions(src.case, src.kb, src.classification, src.lang),
        "own_question": bool((src.case.review.specific_question or "").strip()),
        "sources": [cited(r.question, src.lang, src.kb) for r in raised],
    }
