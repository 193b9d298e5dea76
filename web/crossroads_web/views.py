"""The front page, About this aid, the glossary, the benchmark floor, and friendly error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from cases import results
from cases.glossary import entries as glossary_entries
from crossroads.kb.about import about_data
from crossroads.render.sections import format_day
from crossroads_web.context import core_lang


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("cases:dashboard")
    return render(request, "home.html")


def about(request: HttpRequest) -> HttpResponse:
    """Who made Crossroads, who paid, conflicts, evidence grades, updates, testing and limits.

    Public (linked from every page's footer): a person should be able to judge the aid before
    giving it any of their details. The words come from the knowledge base, in the page language.
    """
    lang = core_lang(translation.get_language())
    data = about_data(results.kb(), lang, lambda day: format_day(day, lang))
    return render(request, "about.html", {"about": data})


def glossary(request: HttpRequest) -> HttpResponse:
    """The plain meaning of every medical word the step pages link to, in the page language.

    Public, like /about/: a word on a step page links here (cases.glossary), and the words are
    the knowledge base's, the same the report's closing glossary uses.
    """
    lang = core_lang(translation.get_language())
    return render(request, "glossary.html", {"entries": glossary_entries(lang)})


def floor(request: HttpRequest) -> HttpResponse:
    """A fixed answer with no database work: the floor that page timings are compared with."""
    return HttpResponse(b"ok\n", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
