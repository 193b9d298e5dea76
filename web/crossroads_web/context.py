"""Values every page template can use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.zones import zone_label
from crossroads.common.i18n import product_lang


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember the language in the browser, for pages shown before or after signing in."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )


def core_lang(django_lang: str | None) -> str:
    """The core's language code (``en`` or ``zh-Hans``) for Django's (``en`` or ``zh-hans``)."""
    return product_lang(django_lang)


def site(request: HttpRequest) -> dict[str, Any]:
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "languages": settings.LANGUAGES,
        "current_lang": lang,
        "html_lang": product_lang(lang),
        "time_zone_label": zone_label(timezone.get_current_timezone_name()),
    }
