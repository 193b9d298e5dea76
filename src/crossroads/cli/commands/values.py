"""The values-clarification questionnaire behind ``crossroads values``.

A few plain questions (main goal, how much each grid row matters, the biggest fear in the person's
own words) become the case's ``preferences:`` section, which orders the Option Grid's rows and
adds the goal row. Writing goes through :func:`crossroads.cli.commands.case_write.write_section`,
which replaces only that section, checks the result and keeps the original as ``CASE.bak``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.prompt import Prompt

from crossroads.cli.commands.case_write import write_section
from crossroads.common.errors import UserError
from crossroads.kb import load_kb
from crossroads.kb.alternatives import ATTRIBUTES, GOALS, load_alternatives
from crossroads.record.case import Preferences

_WORDS = {
    "en": {
        "intro": "These questions help you say what matters to you. There are no right or wrong "
        "answers, and you can change them later.",
        "goal": "What is your main goal now? Type a number",
        "scale": "Next, say how much each thing matters to you:",
        "importance": "How much does this matter to you: {topic}?",
        "fear": "In your own words, what do you fear most? (press Enter to skip)",
        "ended": "The questions ended before every answer was given; nothing was written.",
    },
    "zh": {
        "intro": "这些问题帮助您说出什么对您最重要。答案没有对错之分，以后也可以修改。",
        "goal": "您现在的主要目标是什么？请输入序号",
        "scale": "接下来，请说说每一项对您有多重要：",
        "importance": "这一项对您有多重要：{topic}？",
        "fear": "用您自己的话说，您最担心的是什么？（直接按回车可跳过）",
        "ended": "问题还没有全部回答就结束了；没有写入任何内容。",
    },
}


def _words(lang: str) -> dict[str, str]:
    return _WORDS["zh" if lang.startswith("zh") else "en"]


def _ask(console: Console, question: str, choices: list[str], default: str | None) -> str:
    """One multiple-choice question; Enter keeps the earlier answer when there is one."""
    if default is None:
        return Prompt.ask(question, choices=choices, console=console)
    return Prompt.ask(question, choices=choices, default=default, console=console)


def ask_preferences(console: Console, current: Preferences, lang: str = "en") -> Preferences:
    """Ask for the main goal, the importance (0-3) of each attribute and the biggest fear.

    Earlier answers in the case are offered as defaults, so pressing Enter keeps them.
    """
    catalogue = load_alternatives(load_kb()).catalogue
    words = _words(lang)
    console.print(f"[bold]{words['intro']}[/bold]")
    try:
        for number, goal in enumerate(GOALS, start=1):
            info = catalogue.goals[goal]
            colon = "：" if lang.startswith("zh") else ": "
            console.print(f"  {number}. {info.name.get(lang)}{colon}{info.explain.get(lang)}")
        default_goal = (
            str(GOALS.index(current.main_goal) + 1) if current.main_goal is not None else None
        )
        choices = [str(n) for n in range(1, len(GOALS) + 1)]
        picked = _ask(console, words["goal"], choices, default_goal)
        importance: dict[str, int] = {}
        console.print(words["scale"])
        for level in range(4):
            console.print(f"  {level} = {catalogue.importance[level].get(lang)}")
        for attribute in ATTRIBUTES:
            topic = catalogue.attributes[attribute].topic.get(lang)
            before = (current.importance or {}).get(attribute)
            answer = _ask(
                console,
                words["importance"].format(topic=topic),
                ["0", "1", "2", "3"],
                str(before) if before is not None else None,
            )
            importance[attribute] = int(answer)
        earlier_fear = "; ".join(current.fears or [])
        fear = Prompt.ask(
            words["fear"], default=earlier_fear, show_default=bool(earlier_fear), console=console
        ).strip()
    except (EOFError, KeyboardInterrupt):
        raise UserError(words["ended"]) from None
    return Preferences.model_validate(
        {
            "main_goal": GOALS[int(picked) - 1],
            "importance": importance,
            "fears": [fear] if fear else None,
        }
    )


def preferences_data(preferences: Preferences) -> dict[str, Any]:
    return preferences.model_dump(mode="json", exclude_none=True)


def preferences_block(preferences: Preferences) -> str:
    """The ``preferences:`` section as YAML text, ready to paste at the end of a case file."""
    return yaml.safe_dump(
        {"preferences": preferences_data(preferences)},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )


def write_preferences(path: Path, preferences: Preferences) -> Path:
    """Put the preferences into the case file safely (see :func:`write_section`); returns the
    backup path. Only the ``preferences:`` section changes; the original is kept as ``CASE.bak``.
    """
    return write_section(path, "preferences", preferences_data(preferences))
