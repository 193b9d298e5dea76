"""Scrubbing speed for 10 KB, 100 KB and 1 MB of free text, next to a floor (``str.lower``).

Run with ``make bench``. The scrubber must be linear in the length of the text: the ratio to the
floor should stay roughly constant from 10 KB to 1 MB (it was quadratic: 88 KB took 34 s).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crossroads.record.load import case_from_data  # noqa: E402
from crossroads.steps.deid import Scrubber  # noqa: E402

MARKS = {
    "name": "[name]",
    "phone": "[phone]",
    "email": "[email]",
    "address": "[place]",
    "facility": "[hospital]",
    "id": "[number]",
    "date": "[date]",
    "link": "[link]",
}
CASE = {
    "patient": {
        "name": "Quillon Marchetti-Vosk",
        "birth_date": "1961-04-17",
        "record_numbers": [{"value": "MRN-88421907"}],
        "contact": {"phone": "+44 7911 123456", "email": "qz.vosk@example.net"},
        "city": "Brackenfield",
    },
}
# A paragraph of the kinds of text notes hold: clinical words, identifiers, both languages.
PARAGRAPH = (
    "Quillon relapsed after R-CHOP x6 and R-ICE; ECOG 1, LDH 350. Seen by Dr Halvorsen at "
    "Ruijin Hospital on 2024-02-14 (MRN 44719); call 07911 123456 or write qz.vosk(at)example.net. "
    "女儿林晓燕（电话 138 1234 5678）陪同去北京协和医院复查，主治医生王建军说可以考虑 CAR-T。"
    "Born 03/07/61; lives in Brackenfield. https://portal.example.net/p/4471 \n"
)


def _best(action: object, text: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        action(text)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    scrub = Scrubber(case_from_data(CASE), MARKS)
    print("scrubbing free text (one Scrubber, mixed English and Chinese notes with identifiers):")
    for label, size in (("10 KB", 10_000), ("100 KB", 100_000), ("1 MB", 1_000_000)):
        text = (PARAGRAPH * (size // len(PARAGRAPH) + 1))[:size]
        rounds = 3 if size <= 100_000 else 1
        floor = _best(str.lower, text, rounds)
        took = _best(scrub, text, rounds)
        print(
            f"  {label:>6}: floor str.lower {floor * 1000:8.2f} ms   scrub {took * 1000:9.1f} ms"
            f"   ({took / floor:7.0f} x floor)"
        )


if __name__ == "__main__":
    main()
