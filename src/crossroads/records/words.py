"""The record reader's vocabulary (``records/data/words.yaml``) and how phrases are found.

Why a data file: the words records are written in (headings, "diagnosed on", "完全缓解") change
with every hospital's template; keeping them as data lets a reviewer add one without touching
the rules. Diseases, medicines and regimens are not here: they come from the knowledge base.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from crossroads.kb.base import read_model

WORDS_FILE = Path(__file__).parent / "data" / "words.yaml"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Data):
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.en, *self.zh]


class Kind(Bilingual):
    records_field: str | None = None


class Header(_Data):
    as_of: dt.date


class Supplement(_Data):
    regimens: list[str] = Field(default_factory=list)


class Words(_Data):
    header: Header
    kinds: dict[str, Kind]
    diagnosis_labels: Bilingual
    date_cues: dict[str, Bilingual]
    range_words: list[str]
    responses: dict[str, list[str]]
    response_labels: Bilingual
    transplants: dict[str, list[str]]
    cart_words: list[str]
    negations: Bilingual
    affirmations: Bilingual
    ecog_labels: list[str]
    lvef_labels: list[str]
    egfr_labels: list[str]
    antigen_positive: list[str]
    antigen_negative: list[str]
    cart_targets: dict[str, str]
    not_names: list[str] = Field(default_factory=list)
    supplement: Supplement = Field(default_factory=Supplement)


@cache
def load_words(path: Path = WORDS_FILE) -> Words:
    """The vocabulary, read once per process."""
    return read_model(path, Words)


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def phrase_pattern(phrases: Iterable[str], *, exact_case_below: int = 0) -> re.Pattern[str]:
    """One regular expression finding any of ``phrases`` as whole words (no case; a Chinese
    phrase needs no boundary). Phrases of ``exact_case_below`` letters or fewer that are written
    in capitals ("CR", "PD") match only in capitals, so "pd" in a word list is not "PD".
    """
    parts: list[str] = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = re.escape(phrase).replace(r"\ ", r"\s+")
        head = r"(?<![A-Za-z0-9])" if _ascii_word(phrase[0]) else ""
        tail = r"(?![A-Za-z0-9])" if _ascii_word(phrase[-1]) else ""
        if len(phrase) <= exact_case_below and phrase.isascii() and phrase.isalpha():
            body = f"(?-i:{re.escape(phrase.upper())})"
        parts.append(f"{head}{body}{tail}")
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def find(
    pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None
) -> Iterator[re.Match[str]]:
    """Every match of a phrase pattern within ``text[start:end]``."""
    return pattern.finditer(text, start, len(text) if end is None else end)


__all__ = ["WORDS_FILE", "Words", "find", "load_words", "phrase_pattern"]
