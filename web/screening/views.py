"""The worklist pages: the list of one's results files with the upload form, one file's
worklist per place, the page that opens a case from a row, and deleting a file.

Only coordinators and administrators reach these pages (``role_view``: others get 403), and a
results file only its uploader (others get 404, the same as a file that does not exist, with
the refusal in the audit trail). Patient ids appear on the pages, never in URLs or logs: a row
is named by its number in the file.
"""

from __future__ import annotations

import pyarrow as pa
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from audit.actions import Actor
from cases import results as case_results
from cases.access import deny, role_view
from cases.views import lang_of
from interop.views import ImportForm
from screening import actions
from screening.models import ScreeningFile
from screening.results import (
    MAX_BYTES,
    NotResultsError,
    patient_ids,
    read_results,
    worklist,
)

WORKLIST_ROLES = (Role.COORDINATOR, Role.ADMIN)


class UploadForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("A short name for this screening"),
        max_length=100,
        help_text=gettext_lazy("Only you see this name and this file."),
    )


def _owned(request: HttpRequest, file_id: int) -> ScreeningFile:
    """The file, if this person uploaded it; else 404 (and the refusal in the trail)."""
    user: User = request.user  # type: ignore[assignment]  # role_view let only staff in
    found = ScreeningFile.objects.filter(pk=file_id, owner=user).first()
    if found is None:
        deny(request, None, "screening_file")
        raise Http404("no such file")
    return found


def _table(item: ScreeningFile) -> pa.Table:
    with item.file.open("rb") as handle:
        return read_results(handle.read())


def _list_context(request: HttpRequest, form: UploadForm, error: str = "") -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    files = ScreeningFile.objects.filter(owner=user)
    return {"form": form, "files": files, "error": error, "max_mb": MAX_BYTES // (1024 * 1024)}


@role_view(*WORKLIST_ROLES)
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    return render(request, "screening/list.html", _list_context(request, UploadForm()))


@role_view(*WORKLIST_ROLES)  # first: nobody else's upload is read at all
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Check the file by its content before anything is kept; a refusal is a 400 that says why."""
    form = UploadForm(request.POST)
    actor = Actor.from_request(request)
    chosen = request.FILES.get("file")
    error = ""
    data = b""
    if chosen is None:
        error = _("Choose the results file to upload.")
    elif (chosen.size or 0) > MAX_BYTES:
        error = _("The file is larger than %(size)s MB. Screen fewer people at a time.") % {
            "size": MAX_BYTES // (1024 * 1024)
        }
    else:
        data = chosen.read(MAX_BYTES + 1)
    table = None
    if not error:
        try:
            table = read_results(data)
        except NotResultsError as exc:
            error = str(exc)
    if not form.is_valid() or error or table is None:
        actions.record_refusal(actor, "form" if not error else "file")
        context = _list_context(request, form, error)
        return render(request, "screening/list.html", context, status=400)
    user: User = request.user  # type: ignore[assignment]
    item = actions.store(actor, user, form.cleaned_data["label"], data, table)
    messages.success(request, _("The results file is stored. Only you can see it."))
    return redirect("screening:worklist", file_id=item.pk)


@role_view(*WORKLIST_ROLES)
@require_GET
def worklist_page(request: HttpRequest, file_id: int) -> HttpResponse:
    item = _owned(request, file_id)
    places = item.place_list
    place = request.GET.get("place", "")
    if place not in places:
        place = places[0]
    lang = lang_of(request)
    work = worklist(_table(item), case_results.kb(), lang, place)
    actions.record_view(Actor.from_request(request), item, place)
    context = {"item": item, "places": places, "work": work}
    return render(request, "screening/worklist.html", context)


@role_view(*WORKLIST_ROLES)
@require_GET
def open_case(request: HttpRequest, file_id: int, number: int) -> HttpResponse:
    """Open a case for one person of the file: the FHIR import page's form, ready for them.

    The results file holds categories, not the record itself; the case is made from the
    person's FHIR Bundle through the one import path (``interop:fhir_import``), which reads it,
    shows what it could not carry over and creates the case only when confirmed.
    """
    item = _owned(request, file_id)
    ids = patient_ids(_table(item))
    if not 1 <= number <= len(ids):
        raise Http404("no such row")
    patient_id = ids[number - 1]
    form = ImportForm(initial={"title": _("From screening: %(id)s") % {"id": patient_id}})
    actions.record_open(Actor.from_request(request), item)
    context = {"item": item, "patient_id": patient_id, "form": form}
    return render(request, "screening/open.html", context)


@role_view(*WORKLIST_ROLES)
@require_http_methods(["POST"])
def delete(request: HttpRequest, file_id: int) -> HttpResponse:
    item = _owned(request, file_id)
    actions.delete(Actor.from_request(request), item)
    messages.success(request, _("The results file is deleted."))
    return redirect("screening:list")
