"""Write made-up ClinicalTrials.gov API v2 study records for tests and the benchmark.

Every record is clearly synthetic: ids NCT9xxxxxxx (real ids start NCT0), titles start with
"[Synthetic]", and each record carries ``"_synthetic": true``. The mix (conditions, CAR-T and other
interventions, age limits, statuses, countries, eligibility text with and without prior-lines and
prior-CAR-T sentences) is drawn from a seeded random generator, so the same seed gives the same
files. Nothing here is committed as data: tests and ``scripts/bench_interop.py`` write to a tmp
folder.

Usage: python tests/trials/make_studies.py OUT_DIR [--count 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

CONDITIONS = [
    ["Diffuse Large B-cell Lymphoma"],
    ["Large B-cell Lymphoma", "Primary Mediastinal B-cell Lymphoma"],
    ["Follicular Lymphoma"],
    ["Mantle Cell Lymphoma"],
    ["Chronic Lymphocytic Leukemia"],
    ["B-cell Acute Lymphoblastic Leukemia"],
    ["Multiple Myeloma"],
    ["B-cell Non-Hodgkin Lymphoma"],
    ["Hematologic Malignancies"],
    ["Breast Cancer"],
    ["Acute Myeloid Leukemia"],
    ["Relapsed Lymphoma", "Refractory Lymphoma"],
    ["Waldenstrom Macroglobulinemia"],
]
CAR_T = [
    ("BIOLOGICAL", "CD19 CAR-T cells"),
    ("BIOLOGICAL", "Anti-BCMA CAR-T cells"),
    ("BIOLOGICAL", "Axicabtagene ciloleucel"),
    ("BIOLOGICAL", "Tisagenlecleucel"),
    ("GENETIC", "CD19/CD22 chimeric antigen receptor T cells"),
]
OTHER = [
    ("DRUG", "Glofitamab"),
    ("DRUG", "Lenalidomide"),
    ("DRUG", "Polatuzumab vedotin"),
    ("OTHER", "Best supportive care"),
    ("DRUG", "Placebo"),
]
STATUSES = ["RECRUITING"] * 6 + [
    "NOT_YET_RECRUITING",
    "COMPLETED",
    "ACTIVE_NOT_RECRUITING",
    "TERMINATED",
]
MIN_AGES = [None, "6 Months", "1 Year", "12 Years", "18 Years", "18 Years", "18 Years", "65 Years"]
MAX_AGES = [None, None, "17 Years", "30 Years", "65 Years", "70 Years", "75 Years", "80 Years"]
PLACES = [
    ("China", ["Shanghai", "Beijing", "Guangzhou", "Hangzhou", "Wuhan", "Chengdu"]),
    ("United States", ["Houston", "Boston", "Seattle", "New York", "Philadelphia"]),
    ("Germany", ["Berlin", "Munich", "Heidelberg"]),
    ("Japan", ["Tokyo", "Osaka"]),
    ("Singapore", ["Singapore"]),
    ("Netherlands", ["Amsterdam", "Utrecht"]),
    ("Korea, Republic of", ["Seoul"]),
]
LINES = [
    "Relapsed or refractory disease after at least 2 prior lines of therapy",
    "Two or more prior lines of systemic therapy",
    "At least one prior line of therapy including an anti-CD20 antibody",
    "No more than 3 prior regimens",
    "Received 1-3 prior lines of therapy",
]
EXCLUDED_LINES = ["More than 5 prior lines of therapy"]
CAR_T_SENTENCES = {
    "inclusion": [
        "Relapsed after prior CD19-directed CAR-T therapy",
        "Prior CAR-T therapy is allowed",
    ],
    "exclusion": [
        "Prior CAR-T therapy",
        "Prior treatment with any chimeric antigen receptor T-cell product",
        "Prior BCMA-directed CAR-T therapy",
        "CAR-T therapy within 3 months before enrolment",
    ],
}
FILLER = [
    "ECOG performance status 0 to 2",
    "Adequate organ function as defined by the protocol",
    "Measurable disease on PET-CT",
    "Life expectancy of at least 12 weeks",
    "Willing and able to give informed consent",
    "Absolute neutrophil count at least 1,000 per microliter",
    "Creatinine clearance at least 45 mL/min",
    "Left ventricular ejection fraction at least 45%",
]
FILLER_EXCLUDED = [
    "Active hepatitis B or hepatitis C infection",
    "Uncontrolled infection",
    "Active central nervous system involvement",
    "Pregnant or breastfeeding",
    "Autoimmune disease needing systemic treatment in the past 2 years",
    "History of another cancer within 3 years",
]


def _eligibility(rng: random.Random) -> str:
    inclusion = rng.sample(FILLER, rng.randint(3, 7))
    exclusion = rng.sample(FILLER_EXCLUDED, rng.randint(2, 5))
    if rng.random() < 0.6:
        inclusion.insert(0, rng.choice(LINES))
    if rng.random() < 0.1:
        exclusion.append(rng.choice(EXCLUDED_LINES))
    if rng.random() < 0.2:
        inclusion.append(rng.choice(CAR_T_SENTENCES["inclusion"]))
    if rng.random() < 0.5:
        exclusion.append(rng.choice(CAR_T_SENTENCES["exclusion"]))
    return (
        "Inclusion Criteria:\n\n"
        + "\n".join(f"* {s}" for s in inclusion)
        + "\n\nExclusion Criteria:\n\n"
        + "\n".join(f"* {s}" for s in exclusion)
    )


def make_study(i: int, rng: random.Random) -> dict[str, Any]:
    """One synthetic API v2 record (id NCT9 followed by seven digits)."""
    conditions = rng.choice(CONDITIONS)
    car_t = rng.random() < 0.6
    intervention = rng.choice(CAR_T if car_t else OTHER)
    sites = []
    for country, cities in rng.sample(PLACES, rng.randint(1, 3)):
        for city in rng.sample(cities, rng.randint(1, len(cities))):
            sites.append(
                {"facility": f"Synthetic site {len(sites) + 1}", "city": city, "country": country}
            )
    eligibility: dict[str, Any] = {
        "eligibilityCriteria": _eligibility(rng),
        "healthyVolunteers": False,
        "sex": rng.choice(["ALL"] * 8 + ["FEMALE", "MALE"]),
    }
    if (low := rng.choice(MIN_AGES)) is not None:
        eligibility["minimumAge"] = low
    if (high := rng.choice(MAX_AGES)) is not None:
        eligibility["maximumAge"] = high
    return {
        "_synthetic": True,
        "protocolSection": {
            "identificationModule": {
                "nctId": f"NCT9{i:07d}",
                "briefTitle": f"[Synthetic] {intervention[1]} for {conditions[0]} ({i})",
            },
            "statusModule": {"overallStatus": rng.choice(STATUSES)},
            "conditionsModule": {"conditions": conditions},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": rng.choice([["PHASE1"], ["PHASE1", "PHASE2"], ["PHASE2"], ["PHASE3"]]),
            },
            "armsInterventionsModule": {
                "interventions": [{"type": intervention[0], "name": intervention[1]}]
            },
            "eligibilityModule": eligibility,
            "contactsLocationsModule": {"locations": sites},
        },
    }


def write_studies(folder: Path, count: int = 1000, seed: int = 7) -> list[Path]:
    """Write ``count`` records, one JSON file each, into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(1, count + 1):
        path = folder / f"NCT9{i:07d}.json"
        path.write_text(json.dumps(make_study(i, rng)), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = write_studies(args.out_dir, args.count, args.seed)
    print(f"wrote {len(paths)} synthetic study records to {args.out_dir}")


if __name__ == "__main__":
    main()
