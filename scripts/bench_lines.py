"""Speed of deriving lines of therapy from medicine records, next to a floor in the same run.

Realistic, clearly synthetic histories: each patient has three to five lines (lymphoma or
myeloma regimens of 3 to 8 cycles, 1 to 5 medicines a cycle, given on each cycle's first day),
steroids, an unidentified medicine inside a line, and for half of them an autologous transplant
with its conditioning; about 70 medicine records a patient. The floor
is sorting the same records by date, which any grouping has to do. Goal: at most 5 ms a patient.

Run: python scripts/bench_lines.py (``make bench`` runs it).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crossroads.common.dates import PartialDate  # noqa: E402
from crossroads.engine.lines import MedicineEvent, ProcedureEvent, derive_lines  # noqa: E402
from crossroads.kb import load_kb  # noqa: E402
from crossroads.kb.lines import load_line_rules  # noqa: E402

PATIENTS = 400
ROUNDS = 5
REGIMENS = {
    "lbcl": [
        ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"),
        ("rituximab", "ifosfamide", "carboplatin", "etoposide"),
        ("rituximab", "gemcitabine", "oxaliplatin"),
        ("polatuzumab vedotin", "bendamustine", "rituximab"),
        ("glofitamab",),
    ],
    "mm": [
        ("bortezomib", "lenalidomide", "dexamethasone"),
        ("daratumumab", "pomalidomide", "dexamethasone"),
        ("carfilzomib", "dexamethasone"),
        ("isatuximab", "carfilzomib", "dexamethasone"),
        ("teclistamab",),
    ],
}
BEGIN = dt.date(2019, 1, 1)


def _day(day: dt.date) -> PartialDate:
    return PartialDate(day.year, day.month, day.day)


def patient(rnd: random.Random, n: int) -> tuple[str, list[MedicineEvent], list[ProcedureEvent]]:
    disease = "mm" if n % 2 else "lbcl"
    events: list[MedicineEvent] = []
    procedures: list[ProcedureEvent] = []
    day = BEGIN + dt.timedelta(days=rnd.randrange(0, 365))
    for number, regimen in enumerate(REGIMENS[disease][: rnd.randint(3, 5)]):
        every = rnd.choice((14, 21, 28))
        for cycle in range(rnd.randint(3, 8)):
            when = day + dt.timedelta(days=every * cycle)
            for agent in regimen:
                source = f"MedicationAdministration/{n}-{number}-{cycle}-{agent}"
                events.append(MedicineEvent(agent, _day(when), None, source, "completed"))
            if cycle == 1:
                source = f"MedicationAdministration/{n}-{number}-{cycle}-unknown"
                events.append(MedicineEvent(None, _day(when), None, source, "completed"))
        day += dt.timedelta(days=every * 8)
        if number == 0 and n % 4 < 2:
            asct = day + dt.timedelta(days=30)
            events.append(
                MedicineEvent("melphalan", _day(asct - dt.timedelta(days=2)), None, f"M/{n}-mel")
            )
            procedures.append(ProcedureEvent("autologous", _day(asct), f"Procedure/{n}-asct"))
            day = asct + dt.timedelta(days=100)
        day += dt.timedelta(days=rnd.randrange(60, 300))
    return disease, events, procedures


def main() -> None:
    kb, rules = load_kb(), load_line_rules()
    rnd = random.Random(20261206)
    patients = [patient(rnd, n) for n in range(PATIENTS)]
    records = sum(len(p[1]) for p in patients)
    for disease, events, procedures in patients[:20]:  # warm up
        derive_lines(events, kb, procedures=procedures, disease=disease, rules=rules)

    def floor() -> None:
        for _, events, _ in patients:
            sorted(events, key=lambda e: (e.start.earliest if e.start else BEGIN, e.source))

    def derive() -> None:
        for disease, events, procedures in patients:
            derive_lines(events, kb, procedures=procedures, disease=disease, rules=rules)

    def unknown_disease() -> None:
        for _, events, procedures in patients:
            derive_lines(events, kb, procedures=procedures, rules=rules)

    def per_patient(action: object) -> float:
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            action()  # type: ignore[operator]
            times.append((time.perf_counter() - start) * 1000 / PATIENTS)
        return statistics.median(times)

    base, known, unknown = per_patient(floor), per_patient(derive), per_patient(unknown_disease)
    print(
        f"lines of therapy, {PATIENTS} synthetic patients ({records / PATIENTS:.0f} records each):"
    )
    print(f"  floor: sort the records by date      {base:7.3f} ms a patient")
    for label, value in (("disease known", known), ("disease unknown", unknown)):
        print(
            f"  derive the lines ({label + ')':17} {value:7.3f} ms a patient"
            f"   {value / base:6.1f}x floor"
        )
    verdict = "meets" if max(known, unknown) <= 5 else "misses"
    print(f"  goal: at most 5 ms a patient -> {verdict} it")


if __name__ == "__main__":
    main()
