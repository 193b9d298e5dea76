"""The worklist pages: the list of one's results files with the upload form, one file's
worklist per place, opening a case from a row, and deleting a file.

Only coordinators and administrators reach these pages (``role_view``: others get 403), and a
results file only its uploader (others get 404, the same as a file that does not exist, with
the refusal in the audit trail). Only a coordinator opens a case from a row (an administrator
does not look after patients). Patient ids appear on the pages, never in URLs or logs: a row is
named by its number in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyarrow as pa
from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from audit.actions import Actor
from cases import results as case_results
from cases.access import deny, role_view
from cases.models import CaseRecord
from cases.permissions import Perm, can
from cases.views import lang_of
from interop import bundles
from interop.views import ImportForm
from screening import actions
from screening.models import ScreeningCase, ScreeningFile
from screening.results import (
    MAX_BYTES,
    NotResultsError,
    Person,
    Worklist,
    gap,
    patient_ids,
    read_results,
    worklist,
)
from screening.sources import (
    MAX_RECORD_FILES,
    MAX_RECORDS_BYTES,
    NotRecordsError,
    Records,
    bundle_of,
    keep_records,
    people_with_records,
)

WORKLIST_ROLES = (Role.COORDINATOR, Role.ADMIN)
CASE_OPENERS = (Role.COORDINATOR,)


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


def _list_context(
    request: HttpRequest, form: UploadForm, error: str = "", records_error: str = ""
) -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    files = ScreeningFile.objects.filter(owner=user)
    return {
        "form": form,
        "files": files,
        "error": error,
        "records_error": records_error,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "records_max_mb": MAX_RECORDS_BYTES // (1024 * 1024),
    }


def _records(chosen: list[UploadedFile[bytes]], table: pa.Table) -> Records:
    """The screened people's records from the chosen NDJSON files, or :class:`NotRecordsError`."""
    if len(chosen) > MAX_RECORD_FILES:
        raise NotRecordsError(
            _("Choose at most %(n)s files: one per kind of record of the export.")
            % {"n": MAX_RECORD_FILES}
        )
    if sum(f.size or 0 for f in chosen) > MAX_RECORDS_BYTES:
        raise NotRecordsError(
            _("The records are larger than %(size)s MB together. Screen fewer people at a time.")
            % {"size": MAX_RECORDS_BYTES // (1024 * 1024)}
        )
    return keep_records(chosen, set(patient_ids(table)))


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
    records, records_error = None, ""
    chosen_records = request.FILES.getlist("records")
    if table is not None and chosen_records:
        try:
            records = _records(chosen_records, table)
        except NotRecordsError as exc:
            records_error = str(exc)
    if not form.is_valid() or error or records_error or table is None:
        why = "records" if records_error else "file" if error else "form"
        actions.record_refusal(actor, why)
        context = _list_context(request, form, error, records_error)
        return render(request, "screening/list.html", context, status=400)
    user: User = request.user  # type: ignore[assignment]
    item = actions.store(actor, user, form.cleaned_data["label"], data, table, records)
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
    _mark_rows(request, item, work)
    actions.record_view(Actor.from_request(request), item, place)
    context = {"item": item, "places": places, "work": work}
    return render(request, "screening/worklist.html", context)


def _people(work: Worklist) -> Iterable[Person]:
    yield from work.on_label
    for group in work.groups:
        yield from group.people


def _mark_rows(request: HttpRequest, item: ScreeningFile, work: Worklist) -> None:
    """Which rows can open a case in one click (records kept) and which already have one."""
    user: User = request.user  # type: ignore[assignment]
    with_records: set[str] = set()
    if item.records:
        with item.records.open("rb") as handle:
            with_records = people_with_records(handle)
    links = ScreeningCase.objects.filter(file=item).select_related(
        "case__owner", "case__coordinator"
    )
    opened = {link.number: link.case for link in links}
    for person in _people(work):
        person.has_records = person.patient_id in with_records
        case = opened.get(person.number)
        if case is not None and can(user, Perm.VIEW, case):
            person.case_id = case.pk


def _patient_of(item: ScreeningFile, number: int) -> str:
    ids = patient_ids(_table(item))
    if not 1 <= number <= len(ids):
        raise Http404("no such row")
    return ids[number - 1]


def _existing_case(item: ScreeningFile, number: int) -> CaseRecord | None:
    link = ScreeningCase.objects.filter(file=item, number=number).select_related("case").first()
    return link.case if link is not None else None


@role_view(*CASE_OPENERS)  # first: an administrator or a patient gets 403 before any lookup
@require_POST
def case_from_row(request: HttpRequest, file_id: int, number: int) -> HttpResponse:
    """One click: the row's case, created from the person's kept records, or opened if it exists.

    The records go through the FHIR import page's own reader (:func:`interop.bundles.check`) and
    writer (:func:`interop.actions.import_case`), so the case is what pasting the same Bundle
    there and confirming would make, with the same audit event; what the reader could not carry
    over stays unknown in the case, and the message says how much. A row has one case: a second
    click (or two at once) opens the first. Without kept records the row goes to the form where
    the coordinator pastes the person's Bundle.
    """
    item = _owned(request, file_id)
    patient_id = _patient_of(item, number)
    user: User = request.user  # type: ignore[assignment]
    actor = Actor.from_request(request)
    existing = _existing_case(item, number)
    if existing is not None:
        return _open_existing(request, actor, item, existing)
    bundle = None
    if item.records:
        with item.records.open("rb") as handle:
            bundle = bundle_of(handle, patient_id)
    if bundle is None:
        messages.info(request, _("This person's records were not uploaded: paste them here."))
        return redirect("screening:open", file_id=item.pk, number=number)
    try:
        found = bundles.check(json.dumps(bundle, ensure_ascii=False), lang_of(request))
    except bundles.BundleTextError as exc:
        actions.record_refusal(actor, "records")
        why = _("This person's records could not be read: %(why)s") % {"why": exc}
        messages.error(request, why)
        return redirect("screening:open", file_id=item.pk, number=number)
    title = (_("From screening: %(id)s") % {"id": patient_id})[:100]
    try:
        case = actions.open_case(actor, user, item, number, title, found)
    except IntegrityError:  # another click made this row's case first: open that one
        existing = _existing_case(item, number)
        if existing is None:
            raise
        return _open_existing(request, actor, item, existing)
    text = _("The case was created from this person's records in the screened export.")
    if found.missed:
        text += gap() + _(
            "Crossroads could not read %(n)s of the records: check each step, what was missing "
            "stays unknown."
        ) % {"n": found.missed}
    messages.success(request, text)
    return redirect("cases:overview", case_id=case.pk)


def _open_existing(
    request: HttpRequest, actor: Actor, item: ScreeningFile, case: CaseRecord
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.VIEW, case):  # handed to another coordinator since: not ours to open
        deny(request, case.pk, str(Perm.VIEW))
        raise Http404("no such case")
    actions.record_case_again(actor, item, case)
    return redirect("cases:overview", case_id=case.pk)


@role_view(*WORKLIST_ROLES)
@require_GET
def open_case(request: HttpRequest, file_id: int, number: int) -> HttpResponse:
    """Open a case for one person without kept records: the FHIR import page's form, ready.

    The results file holds categories, not the record itself; the case is made from the
    person's FHIR Bundle through the one import path (``interop:fhir_import``), which reads it,
    shows what it could not carry over and creates the case only when confirmed.
    """
    item = _owned(request, file_id)
    patient_id = _patient_of(item, number)
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
