"""Document pages: the case's documents and upload form, one document's review, its progress.

Thin views, as elsewhere: they ask the permission layer (:mod:`cases.access`), call the core's
intake checks and :mod:`documents.actions`, and render.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import Actor, record
from cases import actions as case_actions
from cases import results
from cases.access import case_view
from cases.journey import Field, Group, build_steps
from cases.models import CaseRecord
from cases.permissions import Perm, perms_for
from cases.views import base_context, lang_of
from crossroads.common.errors import DocumentRefusedError
from crossroads.records.intake import IntakeLimits
from crossroads.records.words import load_words
from documents import actions
from documents.models import Decision, Document, Proposal, Redaction
from documents.upload import checked_upload, refusal_message

KIND_NAMES = {
    "pathology": gettext_lazy("Pathology report"),
    "discharge_summary": gettext_lazy("Discharge summary"),
    "treatment_summary": gettext_lazy("Treatment summary"),
    "imaging": gettext_lazy("Scan report"),
    "labs": gettext_lazy("Blood test results"),
    "transplant": gettext_lazy("Transplant summary"),
    "medication_list": gettext_lazy("List of medicines"),
}
# Record paths that no step form asks for (read from documents only), in plain words.
EXTRA_LABELS = {
    "fitness.lvef_percent": gettext_lazy("Heart pumping strength (LVEF, %)"),
    "fitness.egfr": gettext_lazy("Kidney filtration (eGFR, mL/min/1.73 m²)"),
}
CONTEXT_CHARS = 90  # page text shown before and after a highlighted span


def kind_choices() -> list[tuple[str, str]]:
    """The kinds a person can choose (the core's list), with "find out from the document"."""
    known = load_words().kinds
    return [("", _("Let Crossroads tell from the document"))] + [
        (code, str(KIND_NAMES.get(code, code))) for code in known
    ]


def kind_name(code: str) -> str:
    return str(KIND_NAMES.get(code, _("Kind not recognised"))) if code else _("Kind not recognised")


# -- labels for proposals ------------------------------------------------------------------------
@dataclass
class FieldInfo:
    label: str
    choices: dict[str, str]


def field_labels(lang: str) -> dict[str, FieldInfo]:
    """Plain names of record paths, from the step forms (``lines.start`` -> "Treatment:
    Started")."""
    out = {path: FieldInfo(str(label), {}) for path, label in EXTRA_LABELS.items()}
    for step in build_steps(results.kb(), lang):
        for section in step.sections:
            for item in section.items:
                if isinstance(item, Field):
                    out[item.path] = FieldInfo(str(item.label), _choices(item))
                elif isinstance(item, Group):
                    for sub in item.fields:
                        out[f"{item.path}.{sub.path}"] = FieldInfo(
                            f"{item.item_label}: {sub.label}", _choices(sub)
                        )
    return out


def plain(value: Any) -> str:
    """A value as typed: 62.0 shows as 62, true as yes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _choices(item: Field) -> dict[str, str]:
    return {str(code): str(label) for code, label in item.choices}


@dataclass
class Shown:
    """A proposal as the review page shows it."""

    row: Proposal
    label: str
    entry: str
    value: str
    value_label: str
    before: str
    span: str
    after: str
    others: list[tuple[str, str, str]]  # (value, document name, source text) that disagree
    choices: dict[str, str]  # the field's choices: the edit is a list, not free text
    problem: str = ""


def shown(
    rows: Iterable[Proposal],
    labels: dict[str, FieldInfo],
    pages: dict[tuple[int, int], str],
    others: dict[str, list[Proposal]],
) -> list[Shown]:
    out = []
    for row in rows:
        info = labels.get(row.field, FieldInfo(row.field, {}))
        value = row.shown_value()
        text = pages.get((row.document_id, row.page), "")
        if text[row.start : row.end] == row.text:
            before = text[max(0, row.start - CONTEXT_CHARS) : row.start]
            after = text[row.end : row.end + CONTEXT_CHARS]
        else:
            before = after = ""
        disagree = [
            (plain(o.shown_value()), o.document.name, o.text)
            for o in others.get(row.path, [])
            if o.document_id != row.document_id and o.shown_value() != value
        ]
        out.append(
            Shown(
                row,
                info.label,
                row.entry,
                plain(value),
                info.choices.get(plain(value), ""),
                before,
                row.text,
                after,
                disagree,
                _with_value(info.choices, plain(value)),
            )
        )
    return out


def _with_value(choices: dict[str, str], value: str) -> dict[str, str]:
    """The field's choices, with the proposed value first if it is not one of them."""
    if not choices or value in choices:
        return choices
    return {value: value, **choices}


def case_proposals(case: CaseRecord) -> dict[str, list[Proposal]]:
    """Every proposal of the case not turned down, by path (for conflicts side by side)."""
    found: dict[str, list[Proposal]] = {}
    rows = Proposal.objects.filter(document__case=case).exclude(decision=Decision.REJECTED)
    for row in rows.select_related("document"):
        found.setdefault(row.path, []).append(row)
    return found


def conflicts(case: CaseRecord, lang: str) -> list[dict[str, Any]]:
    """Paths that two documents fill differently: each value with its document and source."""
    labels = field_labels(lang)
    out = []
    for rows in case_proposals(case).values():
        values = {repr(r.shown_value()) for r in rows}
        documents = {r.document_id for r in rows}
        if len(values) > 1 and len(documents) > 1:
            info = labels.get(rows[0].field, FieldInfo(rows[0].field, {}))
            out.append(
                {
                    "label": info.label,
                    "entry": rows[0].entry,
                    "sides": [
                        {
                            "value": plain(r.shown_value()),
                            "value_label": info.choices.get(plain(r.shown_value()), ""),
                            "document": r.document,
                            "text": r.text,
                            "decision": r.decision,
                        }
                        for r in rows
                    ],
                }
            )
    return out


# -- pages ---------------------------------------------------------------------------------------
def _list_context(
    request: HttpRequest, case: CaseRecord, error: str = "", kind: str = ""
) -> dict[str, Any]:
    lang = lang_of(request)
    limits = IntakeLimits.from_env()
    return base_context(
        request,
        case,
        documents=list(case.documents.select_related("uploaded_by")),
        kinds=kind_choices(),
        kind_names={code: str(name) for code, name in KIND_NAMES.items()},
        chosen_kind=kind,
        error=error,
        conflicts=conflicts(case, lang),
        max_mb=f"{limits.max_bytes / (1024 * 1024):g}",
        max_pages=limits.max_pages,
    )


@case_view(Perm.VIEW, read="documents")
@require_GET
def document_list(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    return render(request, "documents/list.html", _list_context(request, case))


@case_view(Perm.EDIT)
@require_POST
def upload(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Check the file with the core before anything is stored; a refusal is a 400 page that
    names the field and says what to do, in the page's language."""
    limits = IntakeLimits.from_env()
    kind = request.POST.get("kind", "")
    if kind and kind not in load_words().kinds:
        kind = ""
    actor = Actor.from_request(request)
    try:
        checked = checked_upload(request.FILES.get("file"), limits)
    except DocumentRefusedError as exc:
        record(
            actor,
            "document.refused",
            case_id=case.pk,
            detail={"why": exc.kind, "code": exc.code},
        )
        context = _list_context(request, case, refusal_message(exc, limits), kind)
        return render(request, "documents/list.html", context, status=400)
    document = actions.add_document(actor, case, request.user, checked, kind)  # type: ignore[arg-type]
    messages.success(request, _("The document is stored. Crossroads is reading it now."))
    return redirect("documents:detail", case_id=case.pk, document_id=document.pk)


def _document(case: CaseRecord, document_id: int) -> Document:
    return get_object_or_404(Document, pk=document_id, case=case)


@case_view(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, case: CaseRecord, document_id: int) -> HttpResponse:
    """The review page: each proposed value beside its highlighted source text."""
    document = _document(case, document_id)
    actor = Actor.from_request(request)
    problems: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        if Perm.EDIT not in perms_for(request.user, case):  # type: ignore[arg-type]
            raise Http404("no such case")
        choices = _choices_from(request, document)
        try:
            outcome = actions.decide(
                actor,
                request.user,  # type: ignore[arg-type]
                document,
                choices,
                _int(request.POST.get("version")),
            )
        except actions.DecisionError as exc:
            problems, status = exc.problems, 400
        except case_actions.VersionConflictError:
            case.refresh_from_db()
            problems, status = {0: "version"}, 409
        else:
            if outcome.accepted:
                messages.success(request, _("Saved. The accepted values are now in the case."))
            if outcome.ticked:
                messages.success(request, _("The checklist shows this record as in hand."))
            elif outcome.confirmed or not outcome.accepted:
                messages.success(request, _("Your choices are saved."))
            return redirect("documents:detail", case_id=case.pk, document_id=document.pk)
    else:
        record(
            actor,
            "document.view",
            case_id=case.pk,
            detail={"document": document.pk, "page": "review"},
        )
    lang = lang_of(request)
    labels = field_labels(lang)
    pages = {(document.pk, p.number): p.text for p in document.text_pages.all()}
    rows = list(document.proposals.select_related("document"))
    items = shown(rows, labels, pages, case_proposals(case))
    for item in items:
        item.problem = str(PROBLEMS.get(problems.get(item.row.pk, ""), ""))
    context = base_context(
        request,
        case,
        document=document,
        kind=kind_name(document.kind),
        pending=[i for i in items if i.row.decision == Decision.PENDING],
        decided=[i for i in items if i.row.decision != Decision.PENDING],
        problem=str(PROBLEMS.get(problems.get(0, ""), "")),
        has_problems=bool(problems),
        item_field=actions.checklist_field(document.kind),
        pages_without_text=[p for p in document.text_pages.all() if p.source == "none"],
        redaction=Redaction.objects.filter(document=document).first(),
    )
    return render(request, "documents/detail.html", context, status=status)


PROBLEMS = {
    "kind": gettext_lazy("This value is not of the right kind (a number is needed here)."),
    "twice": gettext_lazy(
        "Two different values are accepted for the same thing: accept only one of them."
    ),
    "invalid": gettext_lazy(
        "The case cannot take this value. Check it against the document, or turn it down."
    ),
    "version": gettext_lazy(
        "Someone else saved this case while you were choosing. Nothing was saved: check the "
        "values below and save again."
    ),
}


def _choices_from(request: HttpRequest, document: Document) -> dict[int, tuple[str, str | None]]:
    """``choice-<id>`` (accept, reject or empty) and ``value-<id>`` (the edited value)."""
    out: dict[int, tuple[str, str | None]] = {}
    everything = request.POST.get("all")  # "accept" or "reject": the buttons for every value
    for pk in document.proposals.filter(decision=Decision.PENDING).values_list("pk", flat=True):
        choice = request.POST.get(f"choice-{pk}", "")
        if everything in {"accept", "reject"}:
            choice = choice or everything
        out[pk] = (choice, request.POST.get(f"value-{pk}"))
    return out


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@case_view(Perm.VIEW)
@require_GET
def status(request: HttpRequest, case: CaseRecord, document_id: int) -> JsonResponse:
    """The reading's state and percentage, for the page's polling script (state lives in the
    database, so it survives a reload and a restart)."""
    document = _document(case, document_id)
    return JsonResponse(
        {"state": document.state, "progress": document.progress, "done": document.done}
    )


@case_view(Perm.VIEW)
@require_GET
def original(request: HttpRequest, case: CaseRecord, document_id: int) -> HttpResponse:
    """The stored file, as a download (never shown inside the site's pages)."""
    document = _document(case, document_id)
    record(
        Actor.from_request(request),
        "document.view",
        case_id=case.pk,
        detail={"document": document.pk, "page": "file"},
    )
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    name = f"document-{document.pk}{suffix.get(document.media_type, '')}"
    with document.file.open("rb") as handle:  # at most the intake's size limit
        data = handle.read()
    response = HttpResponse(data, content_type=document.media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Security-Policy"] = "sandbox"
    return response


@case_view(Perm.DELETE)
@require_POST
def delete(request: HttpRequest, case: CaseRecord, document_id: int) -> HttpResponse:
    """The owner removes a document: its file, its text and its proposals."""
    document = _document(case, document_id)
    actions.delete_document(Actor.from_request(request), document)
    messages.success(request, _("The document and the text read from it are deleted."))
    return redirect(reverse("documents:list", kwargs={"case_id": case.pk}))
