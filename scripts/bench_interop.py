"""Speed figures for the interop area (trial search and FHIR), each next to its floor.

Trial search: 1,000 generated study records (clearly synthetic, written to a temporary folder by
``tests/interop/trials/make_studies.py``) are loaded, then searched for one example case. The floor
is the time to load the records from disk. Reading each study's eligibility text does not depend on
the case, so it happens once per record set (on the first search) and is shown on its own line,
as is a first search on freshly loaded records, which pays for both. Goal: a search for one case
under 200 ms.

FHIR: export + validate + import of every example case, next to loading the case alone; and
import of one 5,000-resource hospital-style bundle next to ``json.loads`` of the same text, each
in a fresh subprocess so that its peak memory (ru_maxrss) is its own. Goal: import within 2 s and
300 MB peak on one core.

Run: python scripts/bench_interop.py (the lead wires it into ``make bench``).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "interop" / "trials"))

from make_studies import write_studies  # noqa: E402

from crossroads.interop.fhir import export_case, import_bundle, validate_bundle  # noqa: E402
from crossroads.interop.trials import SearchOptions, load_studies, search  # noqa: E402
from crossroads.kb import load_kb  # noqa: E402
from crossroads.kb.trial_terms import load_trial_terms  # noqa: E402
from crossroads.steps.assess import prepare_case  # noqa: E402

TODAY = dt.date(2026, 11, 30)
CASE = ROOT / "examples" / "lbcl_dlbcl_third_line_cn_patient_cross_border.yaml"
STUDIES = 1000


def median_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_trials() -> None:
    kb = load_kb()
    terms = load_trial_terms(kb)
    case = prepare_case(CASE, kb)
    options = SearchOptions(today=TODAY)
    with tempfile.TemporaryDirectory() as folder:
        write_studies(Path(folder), STUDIES)
        paths = [Path(folder)]
        load = median_ms(lambda: load_studies(paths), 5)
        reads, firsts = [], []
        for _ in range(5):
            studies = load_studies(paths)
            start = time.perf_counter()
            studies.profiles(terms)
            reads.append((time.perf_counter() - start) * 1000)
            fresh = load_studies(paths)
            start = time.perf_counter()
            search(case, fresh, kb, options)
            firsts.append((time.perf_counter() - start) * 1000)
        repeated = median_ms(lambda: search(case, studies, kb, options), 21)
        shown = len(search(case, studies, kb, options).shown)
    read, first = statistics.median(reads), statistics.median(firsts)
    print(f"trial search, {STUDIES} study records, one case ({shown} shown):")
    print(f"  floor: load the records              {load:8.1f} ms")
    print(f"  read every eligibility text (once)    {read:8.1f} ms   {read / load:5.2f}x floor")
    ratio = repeated / load
    print(f"  search for one case                   {repeated:8.1f} ms   {ratio:5.2f}x floor")
    print(f"  first search on fresh records (both)  {first:8.1f} ms   {first / load:5.2f}x floor")
    verdict = "meets" if repeated < 200 else "misses"
    print(f"  goal: a search for one case under 200 ms -> {verdict} it")


def bench_fhir() -> None:
    kb = load_kb()
    files = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name != "expected.yaml")
    cases = [prepare_case(p, kb) for p in files]

    def load_only() -> None:
        for path in files:
            prepare_case(path, kb)

    def round_trip() -> None:
        for case in cases:
            bundle = export_case(case, kb)
            validate_bundle(bundle)
            import_bundle(bundle, kb)

    floor = median_ms(load_only, 5) / len(files)
    cost = median_ms(round_trip, 5) / len(files)
    print(f"FHIR, {len(files)} example cases, per case:")
    print(f"  floor: load and code-check a case  {floor:8.2f} ms")
    print(f"  export + validate + import          {cost:8.2f} ms   {cost / floor:5.1f}x floor")


BIG_RESOURCES = 5000


def big_bundle(size: int = BIG_RESOURCES) -> dict[str, object]:
    """A synthetic bundle shaped like a hospital export: one patient, a few diagnoses, and many
    observations, medicine records, procedures and encounters (codes real, values made up)."""
    subject = {"reference": "Patient/p"}
    snomed, loinc = "http://snomed.info/sct", "http://loinc.org"
    rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    entries: list[dict[str, object]] = [
        {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "1961-02-03"}}
    ]
    kinds = ("Observation", "MedicationAdministration", "Procedure", "Encounter", "Condition")
    for i in range(1, size):
        kind = kinds[i % len(kinds)]
        res: dict[str, object] = {"resourceType": kind, "id": f"r{i}", "subject": subject}
        if kind == "Observation":
            code = "89247-1" if i % 50 == 0 else "718-7"  # ECOG now and then, else haemoglobin
            res.update(
                status="final",
                code={"coding": [{"system": loinc, "code": code}]},
                effectiveDateTime=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                valueInteger=1 if code == "89247-1" else None,
                valueQuantity=None if code == "89247-1" else {"value": 11.2, "unit": "g/dL"},
            )
        elif kind == "MedicationAdministration":
            drug = ("3002", "11202", "8640", "3639", "999999")[i % 5]
            res.update(
                status="completed",
                medicationCodeableConcept={"coding": [{"system": rxnorm, "code": drug}]},
                effectivePeriod={"start": f"2023-{1 + i % 12:02d}-01"},
            )
        elif kind == "Procedure":
            res.update(
                status="completed", code={"coding": [{"system": snomed, "code": "71388002"}]}
            )
        elif kind == "Condition":
            system, code = (
                ("urn:oid:2.16.840.1.113883.6.90", "C83.38")
                if i % 2
                else ("http://hl7.org/fhir/sid/icd-10-cm", "I10")
            )
            res.update(code={"coding": [{"system": system, "code": code}]})
        entries.append({"resource": {k: v for k, v in res.items() if v is not None}})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _child(mode: str, path: str) -> None:
    """Run in a fresh process: time one mode, print its figures as one JSON line."""
    text = Path(path).read_text(encoding="utf-8")
    kb = load_kb()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(3):
        start = time.perf_counter()
        data = json.loads(text)
        if mode == "import":
            import_bundle(data, kb)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"s": statistics.median(times), "peak_mb": peak / 1024, "base_mb": before / 1024}
        )
    )


def _run_child(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--fhir-child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_fhir_big() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.json"
        path.write_text(json.dumps(big_bundle()), encoding="utf-8")
        size = path.stat().st_size / 1e6
        floor, full = _run_child("parse", path), _run_child("import", path)
    print(f"FHIR import, one bundle of {BIG_RESOURCES:,} resources ({size:.1f} MB), median of 3:")
    print(f"  floor: json.loads of the text       {floor['s'] * 1000:8.0f} ms")
    ratio = full["s"] / floor["s"]
    print(f"  json.loads + import_bundle          {full['s'] * 1000:8.0f} ms   {ratio:5.1f}x floor")
    print(
        f"  peak memory (ru_maxrss): parse {floor['peak_mb']:.0f} MB, import {full['peak_mb']:.0f}"
        f" MB (the process with the knowledge base loaded: {full['base_mb']:.0f} MB)"
    )
    verdict = "meets" if full["s"] <= 2 and full["peak_mb"] <= 300 else "misses"
    print(f"  goal: import within 2 s and 300 MB peak -> {verdict} it")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--fhir-child":
        _child(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1:] == ["--fhir-big"]:
        bench_fhir_big()
        return
    bench_trials()
    bench_fhir()
    bench_fhir_big()


if __name__ == "__main__":
    main()
