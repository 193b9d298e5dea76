"""Many literal words as one regular expression shaped like a trie.

Why: a record can teach the scrubber hundreds of words (its own name, numbers and places, and every
name found after "Dr" or 女儿 in its notes). An alternation ``a|b|c|...`` tries every word at every
position, so the work grows with words times text, and the words grow with the text: quadratic.
A trie shares prefixes, so at each position the engine follows one path of at most the longest
word's length, whatever the number of words. Longer continuations are tried before a word ends,
so "Anna de Vries" wins over "Anna".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Node = dict[str, "Node"]
_END = ""  # the key that marks a word ending at this node
MAX_WORD = 120  # longer literals are left to their parts (keeps the pattern's nesting shallow)
LOOSE_GAP = r"[\s().\-/]{0,3}"  # what may stand between the characters of a code


def word_tokens(word: str) -> list[str]:
    """A word as pattern pieces: each character, and any run of spaces as ``\\s+``."""
    out: list[str] = []
    for part in word.lower().split():
        if out:
            out.append(r"\s+")
        out += [re.escape(c) for c in part]
    return out


def code_tokens(code: str) -> list[str]:
    """A record number or phone as pattern pieces: its letters and digits, with any separators
    (spaces, dots, dashes, slashes, brackets) allowed between them."""
    out: list[str] = []
    for char in code.lower():
        if char.isalnum():
            if out:
                out.append(LOOSE_GAP)
            out.append(re.escape(char))
    return out


def code_key(text: str) -> str:
    """A code as a lookup key: its letters and digits in lower case."""
    return "".join(c for c in text.lower() if c.isalnum())


def _emit(node: Node, end: str) -> str:
    alternatives = [token + _emit(child, end) for token, child in sorted(node.items()) if token]
    if _END in node:
        alternatives.append(end)
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def trie_from_tokens(sequences: Iterable[list[str]], end: str = "") -> str | None:
    """One pattern matching any of the token sequences, or None when there are none.

    ``end`` is appended where a sequence may end (a look-ahead such as "no letter follows").
    """
    root: Node = {}
    for tokens in sequences:
        if not tokens or len(tokens) > 2 * MAX_WORD:
            continue
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node[_END] = {}
    return _emit(root, end) if root else None


def trie_pattern(words: Iterable[str], end: str = "") -> str | None:
    """One pattern matching any of ``words`` (case is left to the caller's flags), or None."""
    return trie_from_tokens((word_tokens(w) for w in words if len(w) <= MAX_WORD), end)


__all__ = [
    "LOOSE_GAP",
    "MAX_WORD",
    "code_key",
    "code_tokens",
    "trie_from_tokens",
    "trie_pattern",
    "word_tokens",
]
