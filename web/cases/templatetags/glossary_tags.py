"""``{{ text|gloss }}``: glossary words in a step page's text linked to their plain meaning."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.safestring import SafeString

from cases.glossary import gloss as gloss_text
from crossroads_web.context import core_lang

register = template.Library()


@register.filter
def gloss(text: object) -> SafeString:
    """The text escaped, each glossary word a link to its entry on /glossary/ (page language)."""
    return gloss_text("" if text is None else str(text), core_lang(translation.get_language()))
