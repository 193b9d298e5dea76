"""Case-page views of the interop app: FHIR export and import, trials, and the CDS card link.

Thin views: each checks permission through ``cases.access``, calls the core through this app's
helpers, writes through :mod:`interop.actions`, and renders.
"""

from __future__ import annotations

import json
import logging

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role, User
from audit.actions import Actor
from cases import results
from cases.access import case_view, role_view, signed_in
from cases.models import CaseRecord
from cases.permissions import Perm, visible_cases
from cases.views import base_context, lang_of
from crossroads.common.errors import BadOptionError
from crossroads.interop.fhir import export_case, validate_bundle
from interop import actions, bundles
from interop.bodies import large_form
from interop.trials import TrialFilter, country_choices, trial_page

log = logging.getLogger(__name__)
IMPORTERS = (Role.PATIENT, Role.COORDINATOR)


# -- FHIR export ----------------------------------------------------------------------------------
@case_view(Perm.REPORT)
@require_GET
def fhir_export(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """The case as a FHIR R4 Bundle, checked against FHIR rules before it leaves."""
    bundle = export_case(results.core_case(case), results.kb())
    errors = [issue for issue in validate_bundle(bundle) if issue.severity == "error"]
    if errors:  # a bug in the exporter, never the person's fault: log it, send nothing
        log.error("case %s: the FHIR export broke FHIR rules: %s", case.pk, errors[:5])
        return render(
            request, "interop/export_failed.html", base_context(request, case), status=500
        )
    patient_id = bundles.patient_id_of(bundle)
    actions.record_export(Actor.from_request(request), case, patient_id)
    text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(
        text.encode("utf-8"), content_type="application/fhir+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="crossroads-case-{case.pk}.fhir.json"'
    return response


# -- FHIR import ----------------------------------------------------------------------------------
class ImportForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("A short name for the case"),
        max_length=100,
        help_text=gettext_lazy("Only people who can see the case see this name."),
    )
    bundle = forms.CharField(
        label=gettext_lazy("The FHIR Bundle (JSON text)"),
        help_text=gettext_lazy(
            "Open the file from the health record system in a text editor, copy all of it, and "
            "paste it here. Nothing is saved until you confirm on the next page."
        ),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        strip=False,
    )


def _too_large(request: HttpRequest) -> HttpResponseBase:
    form = ImportForm()
    size = bundles.MAX_CHARS // (1024 * 1024)
    error = _("The text is longer than %(size)s MB. Export a smaller part of the record.") % {
        "size": size
    }
    return render(request, "interop/import.html", {"form": form, "error": error}, status=413)


@role_view(*IMPORTERS)  # first: nobody else's body is read at all
@large_form(bundles.MAX_FORM_BYTES, _too_large)
@require_http_methods(["GET", "POST"])
def fhir_import(request: HttpRequest) -> HttpResponse:
    """Paste a Bundle, read what could not be carried over, then confirm to create the case.

    The first POST (``step=check``) imports in memory and shows the report; the Bundle text
    travels back in the confirmation form, so nothing is stored before the person confirms.
    """
    form = ImportForm(request.POST or None)
    if request.method != "POST":
        return render(request, "interop/import.html", {"form": form})
    if not form.is_valid():
        return render(request, "interop/import.html", {"form": form}, status=400)
    lang = lang_of(request)
    actor = Actor.from_request(request)
    try:
        found = bundles.check(form.cleaned_data["bundle"], lang)
    except bundles.BundleTextError as exc:
        form.add_error("bundle", str(exc))
        return render(request, "interop/import.html", {"form": form}, status=400)
    if request.POST.get("step") != "confirm":
        actions.record_import_check(actor, found.result.notes)
        context = {"form": form, "found": found, "summary": bundles.summary(found, lang)}
        return render(request, "interop/import_check.html", context)
    user: User = request.user  # type: ignore[assignment]
    case = actions.import_case(
        actor, user, form.cleaned_data["title"], found.data, found.patient_id, found.result.notes
    )
    messages.success(
        request,
        _(
            "The case was created from the FHIR Bundle. Check each step: what was missing stays "
            "unknown."
        ),
    )
    return redirect("cases:overview", case_id=case.pk)


# -- trials -------------------------------------------------------------------------------------
@case_view(Perm.VIEW, read="trials")
@require_GET
def trials(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Trial studies for this case, each criterion explained; an optional country filter."""
    lang = lang_of(request)
    country = (request.GET.get("country") or "").strip().upper()[:10] or None
    chosen = TrialFilter(country=country, show_all=request.GET.get("all") == "1")
    status, error, data = 200, "", None
    try:
        data = trial_page(case, lang, chosen)
    except BadOptionError:
        status = 400
        error = _("Choose a country from the list.")
    context = base_context(
        request,
        case,
        trials=data,
        error=error,
        chosen=chosen,
        countries=country_choices(lang),
    )
    return render(request, "interop/trials.html", context, status=status)


# -- where a CDS card's link lands ----------------------------------------------------------------
@signed_in
@require_GET
def cds_patient(request: HttpRequest, patient_id: str) -> HttpResponse:
    """Open the case linked to this FHIR patient id, if this person may see one.

    Only cases the person may already see are searched, and everyone else gets the same page
    as when no case has the id, so the link never tells whether a patient is in Crossroads.
    """
    user: User = request.user  # type: ignore[assignment]
    found = []
    if len(patient_id) <= 64:  # a longer id is not a FHIR id: nothing can match it
        query = visible_cases(user).filter(fhir_links__patient_id=patient_id)
        found = list(query.distinct().order_by("pk"))
    actions.record_cds_open(Actor.from_request(request), found)
    if len(found) == 1:
        return redirect("cases:overview", case_id=found[0].pk)
    context = {"cases": found, "can_import": user.role in IMPORTERS}
    return render(request, "interop/cds_patient.html", context)
