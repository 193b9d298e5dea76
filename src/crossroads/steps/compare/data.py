"""The Option Grid as plain data in one language: the source of the JSON, text, Markdown, report
and web views, so that every view shows the same grid with the same numbered sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crossroads.common.dates import Interval
from crossroads.engine.explain import ask_for, leaf_sentence
from crossroads.kb import KnowledgeBase
from crossroads.kb.alternatives import ATTRIBUTES, Alternatives, CitedText
from crossroads.kb.citations import plain_flag
from crossroads.kb.models import Cited
from crossroads.kb.names import chinese_names, product_name
from crossroads.logic.rules import Leaf, Unsettled
from crossroads.steps.compare.match import (
    COMPARE_SCHEMA_ID,
    CarTPlace,
    Column,
    OptionGrid,
    SettingGrid,
    SettingMatch,
)
from crossroads.steps.compare.outcomes import Reader, shared_rows


class _Sources:
    """Numbers each distinct source once, in order of first use, for footnote-style references."""

    def __init__(self, alternatives: Alternatives, lang: str) -> None:
        self._alt, self._lang = alternatives, lang
        self._refs: dict[tuple[str, str | None, str | None, tuple[str, ...]], int] = {}
        self.entries: list[dict[str, Any]] = []

    def add(self, source: str, fact: Cited | None = None) -> int:
        as_of = fact.as_of.isoformat() if fact else None
        confidence = fact.confidence if fact else None
        references = tuple(fact.refs) if fact else ()
        key = (source, as_of, confidence, references)
        if key not in self._refs:
            self._refs[key] = len(self._refs) + 1
            self.entries.append(
                {
                    "ref": self._refs[key],
                    "source": source,
                    "references": list(references),
                    "as_of": as_of,
                    "confidence": confidence,
                    "confidence_label": self._alt.phrase(
                        f"grid.confidence.{confidence}", self._lang
                    )
                    if confidence
                    else None,
                }
            )
        return self._refs[key]

    def cite(self, fact: Cited) -> int:
        return self.add(fact.source, fact)


def _uncertain(alternatives: Alternatives, fact: Cited, lang: str) -> str | None:
    """A cell that may have moved says so in plain words with its date (issue 14); the
    dossier's own note stays with the fact for reviewers (``crossroads kb show``)."""
    if not fact.uncertain:
        return None
    return f"⚠ {plain_flag(fact.as_of, lang)}"


def _place_label(alt: Alternatives, jurisdiction: str, lang: str) -> str:
    """The grid's short name of a place and its regulator ("US (FDA)"): the grid repeats it in
    every cell of the approval row, so it is kept shorter than the report's long form."""
    return alt.phrase(f"grid.place.{jurisdiction}", lang)


class _Builder:
    """Turns an :class:`OptionGrid` into language-specific plain data (one setting at a time)."""

    def __init__(self, grid: OptionGrid, kb: KnowledgeBase, lang: str) -> None:
        self.grid, self.kb, self.lang = grid, kb, lang
        self.alt = grid.alternatives

    def p(self, key: str, **values: object) -> str:
        return self.alt.phrase(key, self.lang, **values)

    def cited_text(self, fact: CitedText, sources: _Sources) -> dict[str, Any]:
        figures = []
        for figure in fact.figures:
            unit = self.alt.catalogue.units[figure.unit].get(self.lang) if figure.unit else ""
            value = f"{figure.value} {unit}".strip()
            if figure.approximate:
                value = self.p("grid.about_value", value=value)
            figures.append({"label": figure.label.get(self.lang), "value": value})
        return {
            "text": fact.text.get(self.lang),
            "figures": figures,
            "refs": [sources.cite(fact)],
            "uncertain": _uncertain(self.alt, fact, self.lang),
            "per_place": [],
        }

    def car_t_logistics(self, topic: str, sources: _Sources) -> list[dict[str, Any]]:
        chosen = {jr.jurisdiction for jr in self.grid.classification.jurisdictions}
        return [
            {
                "jurisdiction": fact.jurisdiction,
                "label": _place_label(self.alt, fact.jurisdiction, self.lang),
                "text": fact.text.get(self.lang),
                "refs": [sources.cite(fact)],
                "uncertain": _uncertain(self.alt, fact, self.lang),
            }
            for fact in self.kb.logistics
            if fact.topic == topic and fact.jurisdiction in chosen
        ]

    def car_t_place(self, place: CarTPlace, sources: _Sources) -> dict[str, Any]:
        cited: list[Cited]
        if place.category == "established":
            names = []
            for result in place.on_label:
                name = product_name(result.compiled.product, self.lang, place.jurisdiction)
                if name not in names:
                    names.append(name)
            text = self.p(
                "grid.car_t.established",
                products=("、" if self.lang.startswith("zh") else ", ").join(names),
            )
            available: bool | None = True
            cited = [r.compiled.indication for r in place.on_label]
        elif place.category == "cannot_tell":
            keys: list[str] = []
            for result in place.undecided:
                keys += [k for k in result.missing() if k not in keys]
            asks = "; ".join(
                self.kb.phrase("needs_information", self.lang, ask=ask_for(self.kb, k, self.lang))
                for k in keys
            )
            text = self.p("grid.car_t.cannot_tell", asks=asks)
            available = None
            cited = [r.compiled.indication for r in place.undecided]
        else:
            text = self.p(f"grid.car_t.{place.category}")
            available = False
            cited = [place.trials] if place.trials else []
        return {
            "jurisdiction": place.jurisdiction,
            "label": _place_label(self.alt, place.jurisdiction, self.lang),
            "available": available,
            "status_label": self.p(f"grid.available.{str(available).lower()}"),
            "text": text,
            "refs": sorted({sources.cite(c) for c in cited}),
            "uncertain": None,
        }

    def availability(self, column: Column, sources: _Sources) -> list[dict[str, Any]]:
        if column.option.availability_from == "classification":
            return [self.car_t_place(place, sources) for place in column.car_t]
        out = []
        places = column.option.availability or {}
        for jr in self.grid.classification.jurisdictions:
            place = places[jr.jurisdiction]
            out.append(
                {
                    "jurisdiction": jr.jurisdiction,
                    "label": _place_label(self.alt, jr.jurisdiction, self.lang),
                    "available": place.available,
                    "status_label": self.p(f"grid.available.{str(place.available).lower()}"),
                    "text": place.note.get(self.lang) if place.note else None,
                    "refs": [sources.cite(place)],
                    "uncertain": _uncertain(self.alt, place, self.lang),
                }
            )
        return out

    def setting(self, sgrid: SettingGrid) -> dict[str, Any]:
        grid, setting = self.grid, sgrid.match.compiled.setting
        sources = _Sources(self.alt, self.lang)
        about = self.cited_text(setting.about, sources) if setting.about else None
        cells: dict[str, list[dict[str, Any]]] = {a: [] for a in ATTRIBUTES}
        for column in sgrid.columns:
            for attribute in ATTRIBUTES:
                cell = self.cited_text(column.option.attribute(attribute), sources)
                if column.option.availability_from == "classification":
                    topic = {"time_in_hospital": "stay_near_centre", "family_burden": "driving"}
                    if attribute in topic:
                        cell["per_place"] = self.car_t_logistics(topic[attribute], sources)
                cells[attribute].append(cell)
        goal_row = None
        if grid.goal is not None:
            goal_name = self.alt.catalogue.goals[grid.goal].name.get(self.lang)
            goal_cells = []
            for column in sgrid.columns:
                fit = column.option.goal_fit[grid.goal]
                basis: dict[str, str | None]
                # No "fits / partly fits" label is shown (it reads as a ranking): the reason,
                # and the rule it rests on (which row, which source), stand in its place.
                if fit.source in ATTRIBUTES:
                    index = sgrid.columns.index(column)
                    refs = list(cells[fit.source][index]["refs"])
                    row_label = self.alt.catalogue.attributes[fit.source].label.get(self.lang)
                    basis = {
                        "attribute": fit.source,
                        "text": self.p("grid.fit_basis", row=row_label),
                    }
                else:
                    refs = [sources.add(fit.source)]
                    basis = {"attribute": None, "text": self.p("grid.fit_source")}
                goal_cells.append(
                    {
                        "level": fit.level,
                        "reason": fit.reason.get(self.lang),
                        "basis": basis,
                        "refs": refs,
                    }
                )
            goal_row = {
                "goal": grid.goal,
                "label": self.p("grid.goal_row", goal=goal_name),
                "cells": goal_cells,
            }
        rows = []
        for row in grid.rows:
            level = (
                self.alt.catalogue.importance[row.importance].get(self.lang)
                if row.importance is not None
                else self.p("grid.not_stated")
            )
            label = self.alt.catalogue.attributes[row.attribute].label.get(self.lang)
            matters = self.p("grid.matters", level=level)
            heading = (
                self.p("grid.row_label_top", label=label, matters=matters, top=self.p("grid.top"))
                if row.top
                else self.p("grid.row_label", label=label, matters=matters)
            )
            rows.append(
                {
                    "attribute": row.attribute,
                    "label": label,
                    "heading": heading,
                    "importance": row.importance,
                    "matters": matters,
                    "top": row.top,
                    "cells": cells[row.attribute],
                }
            )
        age = grid.classification.facts.values.get("age_years")
        reader = Reader(
            self.alt,
            self.lang,
            age if isinstance(age, Interval) else None,
            sources.cite,
            lambda fact: _uncertain(self.alt, fact, self.lang),
        )
        columns = [(c.option.code, c.option.name.get(self.lang)) for c in sgrid.columns]
        shared = shared_rows(reader, setting.comparison, columns)
        availability = [self.availability(column, sources) for column in sgrid.columns]
        notes = [self.cited_text(note, sources) for note in setting.notes]
        has_figures = (
            any(cell["figures"] for cells_ in cells.values() for cell in cells_)
            or any(part["figures"] for part in [*([about] if about else []), *notes])
            or any(
                cell["figures"]
                for row in [*([shared["outcome"]] if shared["outcome"] else []), *shared["harms"]]
                for cell in row["cells"]
            )
        )
        return {
            "id": setting.id,
            "name": setting.name.get(self.lang),
            "title": self.p("grid.setting", name=setting.name.get(self.lang)),
            "why": self.reasons(sgrid.match),
            "about": about,
            "options": [
                {
                    "code": c.option.code,
                    "name": c.option.name.get(self.lang),
                    "kind": c.option.kind,
                    "kind_name": self.alt.catalogue.kinds[c.option.kind].get(self.lang),
                }
                for c in sgrid.columns
            ],
            "goal_row": goal_row,
            "outcome_row": shared["outcome"],
            "harm_rows": shared["harms"],
            "harms_about": shared["harms_about"],
            "ranges_about": shared["ranges_about"],
            "rows": rows,
            "availability": availability,
            "notes": notes,
            "has_figures": has_figures,
            "head_to_head_note": self.p("grid.not_head_to_head") if has_figures else None,
            "sources": sources.entries,
        }

    def reasons(self, match: SettingMatch) -> list[str]:
        """Why a setting holds (every test met) or fails (the failing tests), in plain words."""
        out = []
        for trace, negated in match.trace.decisive():
            node = trace.node
            if isinstance(node, Leaf) and node.fact == "disease" and trace.result is True:
                continue
            if isinstance(node, (Leaf, Unsettled)):
                out.append(leaf_sentence(self.kb, trace, negated, self.lang))
        return out

    def asks(self, keys: Iterable[str]) -> list[dict[str, str]]:
        return [{"fact": k, "ask": ask_for(self.kb, k, self.lang)} for k in keys]

    def preferences(self) -> dict[str, Any]:
        grid = self.grid
        needs = []
        goal_name = goal_line = goal_explain = None
        if grid.goal is None:
            needs.append(self.p("grid.needs_goal"))
        else:
            info = self.alt.catalogue.goals[grid.goal]
            goal_name, goal_explain = info.name.get(self.lang), info.explain.get(self.lang)
            shown = (
                self.p("grid.goal_from_option", goal=goal_name)
                if grid.goal_source == "option"
                else goal_name
            )
            goal_line = self.p("grid.your_goal", goal=shown)
        if not grid.importance_stated:
            needs.append(self.p("grid.needs_importance"))
        separator = "；" if self.lang.startswith("zh") else "; "
        return {
            "main_goal": grid.goal,
            "goal_source": grid.goal_source,
            "goal_name": goal_name,
            "goal_explain": goal_explain,
            "goal_line": goal_line,
            "importance": {
                r.attribute: r.importance for r in grid.rows if r.importance is not None
            },
            "fears": list(grid.fears),
            "fears_line": self.p("grid.fears", fears=separator.join(grid.fears))
            if grid.fears
            else None,
            "needs": needs,
        }

    def order_note(self) -> str:
        """The stated rule for the column order, then that the order is not a ranking."""
        separator = "、" if self.lang.startswith("zh") else ", "
        kinds = separator.join(
            self.alt.catalogue.kinds[k].get(self.lang) for k in self.alt.catalogue.column_order
        )
        space = "" if self.lang.startswith("zh") else " "
        return self.p("grid.order_rule", kinds=kinds) + space + self.p("grid.no_ranking")

    def status_text(self) -> str | None:
        grid = self.grid
        if grid.status == "needs_information":
            return self.p("grid.needs_setting")
        if grid.status == "not_covered":
            name = self.kb.code_name(grid.disease, self.lang) if grid.disease else "?"
            key = "grid.not_covered" if grid.ruled_out else "grid.no_settings_for_disease"
            return self.p(key, disease=name)
        return None


def grid_data(grid: OptionGrid, kb: KnowledgeBase, lang: str = "en") -> dict[str, Any]:
    """Everything ``crossroads compare`` shows, as JSON-ready data (``crossroads.compare/v1``).

    The report and the web pages render this same data, so they show the same grid.
    """
    build = _Builder(grid, kb, lang)
    data = {
        "schema": COMPARE_SCHEMA_ID,
        "knowledge_base": {"version": kb.release.version, "date": kb.release.date.isoformat()},
        "assessment_date": str(grid.classification.facts.assessment_date),
        "lang": lang,
        "title": build.p("grid.title"),
        "status": grid.status,
        "status_text": build.status_text(),
        "disease": grid.disease,
        "jurisdictions": [jr.jurisdiction for jr in grid.classification.jurisdictions],
        "preferences": build.preferences(),
        "settings": [build.setting(s) for s in grid.settings],
        "undecided": [
            {
                "id": m.compiled.setting.id,
                "name": m.compiled.setting.name.get(lang),
                "text": build.p("grid.also_applies", name=m.compiled.setting.name.get(lang)),
                "missing": build.asks(m.missing()),
            }
            for m in grid.undecided
        ]
        if grid.status == "ok"
        else [],
        "missing_facts": build.asks(grid.missing_facts),
        "ruled_out": [
            {
                "id": m.compiled.setting.id,
                "name": m.compiled.setting.name.get(lang),
                "text": build.p("grid.why_not", name=m.compiled.setting.name.get(lang)),
                "reasons": build.reasons(m),
            }
            for m in grid.ruled_out
        ]
        if grid.status == "not_covered"
        else [],
        "order_note": build.order_note(),
        # how to read the tables to decide, without saying which option to take (PEMAT 25)
        "how_to_use": build.p("grid.how_to_use"),
        "urgent": kb.phrase("urgent", lang),
        "notice": kb.phrase("not_replace", lang),
    }
    # one name per product on a Chinese page (kb.names)
    return chinese_names(data, kb.products.values(), lang)  # type: ignore[no-any-return]


__all__ = ["grid_data"]
