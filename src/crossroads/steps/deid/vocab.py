"""Shared pieces of the scrubber's patterns: character classes, cue words, and the rule type.

Every quantifier in these pieces is bounded, so a pattern built from them does a bounded amount of
work at each position of the text (see ``patterns.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

LATIN = r"A-Za-z0-9\u00C0-\u024F"
HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
NAME_WORD = rf"[A-Z][{LATIN}'’\-]{{1,40}}"
EN_CUES = (
    "dr|doctor|mr|mrs|ms|miss|mx|prof|professor|brother|sister|son|daughter|wife|husband|"
    "partner|mother|mum|mom|father|dad|friend|cousin|uncle|aunt|niece|nephew|grandson|"
    "granddaughter|grandmother|grandfather|grandma|grandpa|carer|caregiver|neighbour|neighbor|"
    "nurse|named|called"
)
ZH_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包"
    "尚符舒阮柯纪梅童凌毕裴霍涂苗谷盛曲翁冉骆蓝辛靳管柴蒙鲍喻祁蒲房滕屈饶牟艾尤阳穆农卓缪"
    "简连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩佘池查麻苑迟邝"
)
ZH_CUES = (
    "患者|病人|姓名|家属|联系人|女儿|儿子|妈妈|母亲|爸爸|父亲|丈夫|妻子|老伴|爱人|哥哥|姐姐|弟弟|"
    "妹妹|孙子|孙女|外孙|侄子|侄女|朋友|医生|大夫|主任|护士|教授"
)
ZH_TITLES = "先生|女士|小姐|太太|夫人|医生|大夫|主任|教授|老师|阿姨|叔叔|伯伯"
STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Court|Ct|Lane|Ln|Drive|Boulevard|Blvd|Way|Place|Pl|Square|Sq|"
    "Terrace|Close|Crescent|straat|gracht|weg|laan|strasse|straße|gasse|platz"
)
PLACE_CUES = "home|live|lives|living|lived|reside|resides|residing|based|moved"
NAME_PARTICLES = frozenset(
    {"de", "van", "der", "den", "von", "da", "di", "du", "la", "le", "bin", "al"}
)
ZH_PLACE_ENDS = "省市区县镇乡村路街道巷弄号楼室"

# What a redaction mark stands for; ``redaction_marks`` maps each kind to its label.
KINDS = ("name", "phone", "email", "address", "facility", "id", "date", "link")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lowered(text: str) -> str:
    """``text`` in lower case with every character where it was (offsets stay valid)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


Span = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern and the kind of identifier it finds.

    ``accept`` can turn a match down (a "phone" with too few digits); for a rule with a group
    named ``x`` only that group is removed (the cue word "Dr" stays); ``kinds`` gives the kind of
    each literal of a combined rule, keyed by ``key`` (default :func:`literal_key`). A ``lower``
    rule runs on the lower-cased text: a big literal pattern compiles much faster without
    ``re.IGNORECASE``.
    """

    pattern: re.Pattern[str]
    kind: str
    accept: Callable[[str], bool] | None = None
    kinds: Mapping[str, str] | None = None
    key: Callable[[str], str] | None = None
    lower: bool = False

    def kind_of(self, matched: str) -> str:
        if self.kinds is None:
            return self.kind
        return self.kinds.get((self.key or literal_key)(matched), self.kind)

    def find(self, text: str) -> list[Span]:
        """Where the rule matches in ``text``: start, end and kind of each span to remove."""
        spans: list[Span] = []
        named = "x" in self.pattern.groupindex
        for match in self.pattern.finditer(lowered(text) if self.lower else text):
            whole = match.group(0)
            if self.accept is not None and not self.accept(whole):
                continue
            start, end = match.span("x") if named else match.span()
            if start < end:
                spans.append((start, end, self.kind_of(whole)))
        return spans


@dataclass(frozen=True, slots=True)
class WordSet:
    """Single words (runs of Latin letters and digits) looked up in a set, not a pattern.

    Why: a record can teach thousands of one-word names; a set lookup per word costs the same
    whatever their number, and needs no pattern to compile.
    """

    words: Mapping[str, str]  # lower-case word -> kind

    def find(self, text: str) -> list[Span]:
        words = self.words
        return [
            (m.start(), m.end(), words[m.group(0)])
            for m in _LATIN_WORD.finditer(lowered(text))
            if m.group(0) in words
        ]


_LATIN_WORD = re.compile(rf"[{LATIN}]+")
Matcher = Rule | WordSet
_SPACES = re.compile(r"\s+")


def literal_key(text: str) -> str:
    """A literal as a lookup key: lower case, runs of spaces as one space."""
    return _SPACES.sub(" ", text.strip()).lower()


def han_runs(text: str) -> list[str]:
    return re.findall(rf"[{HAN}]+", text)


def digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


__all__ = [
    "EN_CUES",
    "HAN",
    "KINDS",
    "LATIN",
    "NAME_PARTICLES",
    "NAME_WORD",
    "PLACE_CUES",
    "STREET_WORDS",
    "ZH_CUES",
    "ZH_PLACE_ENDS",
    "ZH_SURNAMES",
    "ZH_TITLES",
    "Matcher",
    "Rule",
    "Span",
    "WordSet",
    "digit_count",
    "han_runs",
    "literal_key",
    "lowered",
]
