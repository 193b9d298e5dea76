"""The shared outcome row and the harm rows of the Option Grid, read the same way for every option.

Each setting names one measure (complete response, remission, time without growth...) and every
option's figure for it goes through the one sentence template of the measure's kind, both ways
("about N out of 100 ...; about 100 - N ..."), so no option gets a gain framing and another a loss
framing (IPDAS: balanced presentation). An option without a figure says "No figure to compare",
never a blank. Each figure names the people it comes from; when the person's age is outside that
group, the figure is marked ("from a trial of people aged 25 or under"), three-valued: an unknown
age shows the group and no mark.

Every figure also says how uncertain it is (IPDASi C5): the range the trial reported; or, for a
share whose trial size is known, a range worked out from the share and the number of people (the
Wilson method, :func:`crossroads.common.stats.wilson_interval`), said once per grid; or plainly
"a figure from one trial; the trial gave no range".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crossroads.common.dates import Interval
from crossroads.kb.alternatives import (
    HARMS,
    Alternatives,
    Comparison,
    Measure,
    Population,
    SharedFigure,
    figure_range,
)
from crossroads.kb.models import Cited

Cite = Callable[[Cited], int]
Uncertain = Callable[[Cited], "str | None"]


def out_of_100(percent: float) -> tuple[int, int]:
    """A percent as whole people out of 100, both ways: ``(n, 100 - n)``, rounded half up.

    Half up (not Python's half-to-even) so that 58.5% reads "about 59", as people round.
    """
    n = int(Decimal(str(percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    n = min(max(n, 0), 100)
    return n, 100 - n


def outside_group(population: Population, age: Interval | None) -> bool | None:
    """Whether the person's age is outside the ages of the study: True, False or None (unknown).

    A study with no stated ages can never be outside by age (False). An age known only as a
    range (a birth year) that straddles a bound is unknown, not a guess.
    """
    low_bound, high_bound = population.age_min, population.age_max
    if low_bound is None and high_bound is None:
        return False
    if age is None:
        return None
    if (high_bound is not None and age.low > high_bound) or (
        low_bound is not None and age.high < low_bound
    ):
        return True
    if (low_bound is None or age.low >= low_bound) and (
        high_bound is None or age.high <= high_bound
    ):
        return False
    return None


def number(value: float) -> str:
    """A figure as people write it: 29.5, 7, 13.3 (no trailing ``.0``)."""
    return f"{value:g}"


@dataclass(frozen=True)
class Reader:
    """Turns shared figures into plain data in one language, for one case (its age)."""

    alternatives: Alternatives
    lang: str
    age: Interval | None
    cite: Cite
    uncertain: Uncertain

    def p(self, key: str, **values: object) -> str:
        return self.alternatives.phrase(key, self.lang, **values)

    def sentence(self, measure: Measure, figure: SharedFigure) -> tuple[str, int | None]:
        """The one template of the measure's kind, filled; and N out of 100 for a share."""
        event = measure.event.get(self.lang)
        other = measure.other.get(self.lang) if measure.other else ""
        if measure.kind == "share":
            assert figure.value is not None  # the model allows no share without a value
            n, rest = out_of_100(figure.value)
            return self.p("outcome.share", n=n, rest=rest, event=event, other=other), n
        if measure.kind == "median":
            if figure.not_reached:
                assert figure.follow_up is not None
                value = number(figure.follow_up)
                return self.p(
                    "outcome.median_not_reached", value=value, event=event, other=other
                ), None
            assert figure.value is not None
            return self.p(
                "outcome.median", value=number(figure.value), event=event, other=other
            ), None
        assert figure.value is not None
        return self.p("outcome.days", value=number(figure.value), event=event), None

    def mark(self, population: Population) -> str | None:
        if outside_group(population, self.age) is not True:
            return None
        low, high = population.age_min, population.age_max
        if low is not None and high is not None:
            return self.p("grid.ref_group.range", min=low, max=high)
        if high is not None:
            return self.p("grid.ref_group.max", max=high)
        return self.p("grid.ref_group.min", min=low)

    def span(self, measure: Measure, figure: SharedFigure) -> dict[str, Any]:
        """The figure's range in words (and its ends), or the plain "no range given" note.

        A worked-out share range is put as whole people out of 100, rounded like the share, so
        it reads beside "about N out of 100"; a reported range keeps the source's numbers.
        """
        found = figure_range(measure.kind, figure)
        if found is None:
            return {
                "range": None,
                "range_origin": None,
                "band": None,
                "no_range": self.p("grid.no_range"),
            }
        if found.origin == "wilson":
            low, high = out_of_100(found.low)[0], out_of_100(found.high)[0]
            text = self.p("grid.range_wilson", low=low, high=high)
            band = [low, high]  # a list, as the JSON output reads back
        else:
            text = self.p("grid.range", low=number(found.low), high=number(found.high))
            band = None
            if measure.kind == "share":
                band = [out_of_100(found.low)[0], out_of_100(found.high)[0]]
        return {"range": text, "range_origin": found.origin, "band": band, "no_range": None}

    def figure(self, measure: Measure, figure: SharedFigure) -> dict[str, Any]:
        text, n = self.sentence(measure, figure)
        span = self.span(measure, figure)
        icon = None
        if n is not None:
            other = measure.other.get(self.lang) if measure.other else ""
            icon = {
                "n": n,
                "rest": 100 - n,
                "title": figure.trial.get(self.lang),
                "desc": text,
                "legend": self.p(
                    "grid.icon_legend", event=measure.event.get(self.lang), other=other
                ),
                "band": span["band"],
            }
        return {
            "trial": figure.trial.get(self.lang),
            "kind": measure.kind,
            "value": figure.value,
            "not_reached": figure.not_reached,
            "n": n,
            "rest": None if n is None else 100 - n,
            "text": text,
            **span,
            "population": self.p(
                "grid.population", population=figure.population.text.get(self.lang)
            ),
            "outside_group": outside_group(figure.population, self.age),
            "mark": self.mark(figure.population),
            "refs": [self.cite(figure)],
            "uncertain": self.uncertain(figure),
            "icon": icon,
        }

    def cells(
        self,
        measure: Measure,
        per_option: dict[str, list[SharedFigure]],
        columns: Sequence[tuple[str, str]],
    ) -> list[dict[str, Any]]:
        """One cell per column (code, name), in column order: figures, or "No figure to compare"."""
        out = []
        for code, name in columns:
            figures = [self.figure(measure, f) for f in per_option.get(code, [])]
            out.append(
                {
                    "code": code,
                    "name": name,
                    "figures": figures,
                    "none": None if figures else self.p("grid.no_comparable"),
                }
            )
        return out


def shared_rows(
    reader: Reader, comparison: Comparison | None, columns: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """The shared outcome row and the four harm rows of one setting, for the given columns
    (option code and name, in column order)."""
    catalogue = reader.alternatives.catalogue
    outcome = None
    if comparison is not None:
        measure = catalogue.measures[comparison.measure]
        label = measure.label.get(reader.lang)
        other = measure.other.get(reader.lang) if measure.other else ""
        legend = reader.p("grid.icon_legend", event=measure.event.get(reader.lang), other=other)
        outcome = {
            "measure": comparison.measure,
            "legend": legend if measure.kind == "share" else None,
            "kind": measure.kind,
            "label": reader.p("grid.shared_row", label=label),
            "about": reader.p("grid.shared_about", label=label),
            "cells": reader.cells(measure, comparison.outcome, columns),
        }
    harms = []
    for harm in HARMS:
        measure = catalogue.harms[harm]
        per_option = comparison.harms.get(harm, {}) if comparison is not None else {}
        harms.append(
            {
                "harm": harm,
                "kind": measure.kind,
                "label": measure.label.get(reader.lang),
                "cells": reader.cells(measure, per_option, columns),
            }
        )
    rows: list[dict[str, Any]] = [*([outcome] if outcome else []), *harms]
    worked_out = any(
        f["range_origin"] == "wilson"
        for row in rows
        for cell in row["cells"]
        for f in cell["figures"]
    )
    return {
        "outcome": outcome,
        "harms": harms,
        "harms_about": reader.p("grid.harms_about"),
        "ranges_about": reader.p("grid.ranges_about") if worked_out else None,
    }


__all__ = ["Reader", "number", "out_of_100", "outside_group", "shared_rows"]
