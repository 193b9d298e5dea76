"""Case pages: thin views that check permission, call the core or ``cases.actions``, and render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, User
from audit.actions import Actor, record
from cases import actions, results
from cases.access import case_view, role_view, signed_in
from cases.forms import AssignForm, InviteForm, NewCaseForm, TaskForm
from cases.journey import LOGISTICS_CHECKS, RECORD_FIELDS, STEP_NUMBERS, build_steps
from cases.models import CaregiverGrant, CaseRecord, Invite
from cases.permissions import Perm, listed_cases, perms_for
from cases.progress import progress
from cases.stepform import StepForm, get_path
from cases.steps import action_plan, decision_check, option_grid, step_context
from cases.steps import summary as steps_summary
from crossroads.kb.planning import planning_for
from crossroads_web.context import core_lang
from drafts import store as drafts
from review import coordination
from review import coordination_views as coord_views
from review.permissions import can_view_review


def lang_of(request: HttpRequest) -> str:
    return core_lang(translation.get_language())


def base_context(request: HttpRequest, case: CaseRecord, **extra: Any) -> dict[str, Any]:
    lang = lang_of(request)
    return {
        "case": case,
        "perms": {p.value for p in perms_for(request.user, case)},  # type: ignore[arg-type]
        "steps": build_steps(results.kb(), lang),
        "urgent": results.phrase("urgent", lang),
        "not_replace": results.phrase("not_replace", lang),
        **extra,
    }


# -- lists and new cases ------------------------------------------------------------------------
@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.role == Role.REVIEWER:
        return redirect("reviews:inbox")
    cases = list(listed_cases(user))
    record(Actor.from_request(request), "case.list", detail={"count": len(cases)})
    unread = coordination.unread_counts(user, cases)
    for case in cases:
        case.unread = unread.get(case.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "cases/dashboard.html",
        {
            "cases": cases,
            "assign_form": AssignForm() if user.role == Role.ADMIN else None,
            "queue_size": coordination.queue().count() if user.role == Role.COORDINATOR else 0,
        },
    )


@role_view(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = actions.create_case(
            Actor.from_request(request),
            request.user,  # type: ignore[arg-type]
            form.cleaned_data["title"],
        )
        return redirect("cases:step", case_id=case.pk, number=1)
    return render(request, "cases/new.html", {"form": form}, status=400 if form.errors else 200)


# -- the journey -------------------------------------------------------------------------------
@case_view(Perm.VIEW, read="overview", limited=(Perm.TAKE, coord_views.queued_page))
def overview(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    lang = lang_of(request)
    return render(
        request,
        "cases/overview.html",
        base_context(
            request,
            case,
            progress=progress(case, lang),
            assessment=results.assessment(case, lang),
            activity=activity(case),
            unread=coordination.unread_counts(user, [case]).get(case.pk, 0),
            **coord_views.coordination_context(request, case),
        ),
    )


@case_view(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, case: CaseRecord, number: int) -> HttpResponse:
    if number not in STEP_NUMBERS:
        raise Http404("no such step")
    lang = lang_of(request)
    steps = build_steps(results.kb(), lang)
    spec = steps[number - 1]
    dont_know = case.web.get("dont_know", [])
    status = 200
    if request.method == "POST":
        actor = Actor.from_request(request)
        if not perms_for(request.user, case) >= {Perm.EDIT}:  # type: ignore[arg-type]
            raise Http404("no such case")
        form = StepForm(spec, case.form_data(), dont_know, results.kb(), lang, data=request.POST)
        version = _int(request.POST.get("version"))
        if form.is_valid():
            try:
                actions.save_step(
                    actor,
                    case,
                    number,
                    form.new_record,
                    form.new_dont_know,
                    form.step_keys(),
                    version,
                )
            except actions.VersionConflictError:
                case.refresh_from_db()
                form.non_field_errors.append(
                    _(
                        "Someone else saved this case while you were editing. Your entries are "
                        "still below: check them and save again."
                    )
                )
                status = 409
            else:
                drafts.drop(request.user, case, [number])  # type: ignore[arg-type]
                drafts.mark_cleared(request.session, case, number)
                drafts.mark_saved(request.session, case, number)
                messages.success(request, _("Saved."))
                target = reverse("cases:step", kwargs={"case_id": case.pk, "number": number})
                if request.POST.get("next") == "continue" and number < 6:
                    target = reverse(
                        "cases:step", kwargs={"case_id": case.pk, "number": number + 1}
                    )
                return redirect(target)
        else:
            status = 400
        # Not saved: what was typed is kept as a draft too, in case the page is left now.
        drafts.keep(request.user, case, number, request.POST)  # type: ignore[arg-type]
        restored = None
    else:
        record(
            Actor.from_request(request),
            "case.view",
            case_id=case.pk,
            detail={"page": f"step{number}"},
        )
        restored = None
        if perms_for(request.user, case) >= {Perm.EDIT}:  # type: ignore[arg-type]
            restored = drafts.find(request.user, case, number)  # type: ignore[arg-type]
        if restored is not None:  # unsaved typing from before (a time-out, a closed tab)
            data = restored.as_form_data()
            form = StepForm(spec, case.form_data(), dont_know, results.kb(), lang, data=data)
        else:
            form = StepForm(spec, case.form_data(), dont_know, results.kb(), lang)
            if number == 6:
                prefill_drafts(form, case, lang)
    context = base_context(
        request,
        case,
        step=spec,
        form=form,
        progress=progress(case, lang),
        restored=restored,
        form_version=restored.version if restored is not None else case.version,
        draft_cleared=request.method == "GET"
        and drafts.take_cleared(request.session, case, number),
        **step_context(case, number, lang, request.GET.get("place")),
    )
    if "review_requests" in context:  # drafts are the coordinator's (review.workflow.VISIBLE_TO)
        user = request.user
        context["review_requests"] = [
            r
            for r in context["review_requests"]
            if can_view_review(user, r)  # type: ignore[arg-type]
        ]
        context.update(coord_views.coordination_context(request, case))
        if request.method == "GET":
            context.update(coord_views.answers_context(request, case, context["review_requests"]))
    if number == 6:
        context["choices"] = decision_choices(case, lang)
        context["decision"] = coordination.latest_decision(case)
        if context.get("plan") is not None:
            context["plan"] = coordination.with_waiting(
                case, context["plan"], coord_views.waiting_words()
            )
    return render(request, "cases/step.html", context, status=status)


def prefill_drafts(form: StepForm, case: CaseRecord, lang: str) -> None:
    """Empty sentences start from Crossroads' drafts, for the person to edit and save."""
    data = steps_summary(case, lang)
    if data is None:
        return
    for section in form.sections:
        for item in section.items:
            key = getattr(item, "key", "")
            if key.startswith("decision.sentences.") and not item.value:  # type: ignore[union-attr]
                draft = data["drafts"].get(key.rsplit(".", 1)[1])
                if draft:
                    item.value = draft  # type: ignore[union-attr]
                    item.drafted = True  # type: ignore[union-attr]


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


# -- checklist and tasks -------------------------------------------------------------------------
# Tasks the core derives from one checklist item: "gather_<item>" (a record), "arrange_<item>" (a
# practical matter). Their done state is the item's tick, so the list and the checklist agree.
ITEM_TASK_PREFIXES = {"records": "gather_", "practical": "arrange_"}
ITEM_TASK_KINDS = {"records": "per_record", "practical": "per_practical"}


def item_relevant(case: CaseRecord, item: Mapping[str, Any]) -> bool:
    """Whether a checklist item can apply to this case (the others are hidden, "show all" shows
    them). Transplant records apply when a transplant is recorded or it is not known whether
    there was one; an item is never hidden once it has an answer, so nothing ticked disappears."""
    if item.get("current") is not None:
        return True
    if item["id"] == "transplant_history":
        transplants = case.data.get("transplants")
        return transplants is None or bool(transplants)
    return True


def checklist_items(case: CaseRecord, lang: str, show_all: bool = True) -> list[dict[str, Any]]:
    """The readiness checklist: from the core when it has one, else the record's own fields.

    Each item says which field it reads and which value means "in place" (``ready``), and
    whether it can apply to this case (``relevant``); ``show_all=False`` keeps only those.
    """
    data = results.readiness(case, lang)
    ready_when = results.checklist_ready_values()
    items: list[dict[str, Any]] = []
    if data is not None:
        for item in data["items"]:
            value = get_path(case.data, item["field"])
            if isinstance(value, int) and not isinstance(value, bool):
                continue  # a number (caregiver weeks) is entered on step 4, not ticked
            ready = ready_when.get(item["id"], True)
            items.append({**item, "ready": ready, "checked": value is ready, "current": value})
    else:
        for group, fields in (("records", RECORD_FIELDS), ("logistics", LOGISTICS_CHECKS)):
            for code, label in fields:
                path = f"{group}.{code}"
                value = get_path(case.data, path)
                items.append(
                    {
                        "id": code,
                        "group": group,
                        "field": path,
                        "name": str(label),
                        "ready": True,
                        "checked": value is True,
                        "current": value,
                        "state": "unknown" if value is None else ("known" if value else "missing"),
                        "ask": "",
                    }
                )
    for item in items:
        item["relevant"] = item_relevant(case, item)
    return items if show_all else [item for item in items if item["relevant"]]


@case_view(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    lang = lang_of(request)
    show_all = (request.POST if request.method == "POST" else request.GET).get("all") == "1"
    every = checklist_items(case, lang)
    items = every if show_all else [item for item in every if item["relevant"]]
    if request.method == "POST":
        if Perm.EDIT not in perms_for(request.user, case):  # type: ignore[arg-type]
            raise Http404("no such case")
        fields = {item["field"]: item["ready"] for item in items}  # only the items shown
        actions.save_checklist(
            Actor.from_request(request), case, fields, request.POST.getlist("done")
        )
        messages.success(request, _("Checklist saved."))
        target = reverse("cases:checklist", kwargs={"case_id": case.pk})
        return redirect(target + ("?all=1" if show_all else ""))
    record(Actor.from_request(request), "case.view", case_id=case.pk, detail={"page": "checklist"})
    return render(
        request,
        "cases/checklist.html",
        base_context(
            request,
            case,
            items=items,
            show_all=show_all,
            hidden=len(every) - len([item for item in every if item["relevant"]]),
            who=last_changed_by(case),
        ),
    )


def _item_task_title(item: Mapping[str, Any], lang: str) -> str | None:
    """The title the core's action plan gives the task of one checklist item."""
    kind = ITEM_TASK_KINDS.get(item["group"])
    for template in planning_for(results.kb()).checklists.actions:
        if template.kind == kind:
            return template.title.get(lang).format(name=item["name"])
    return None


def task_list(case: CaseRecord, lang: str, show_all: bool = False) -> list[dict[str, Any]]:
    """The shared task list: the core's action plan (with the person's own tasks), or the own
    tasks alone when this build of the core has no action plan.

    A task that stands for a checklist item reads its done state from the item: ticking the
    item marks the task done, and a done task stays on the list, ticked, instead of vanishing.
    Tasks for items that cannot apply to the case are left out unless ``show_all``. A task
    whose owner's role nobody fills yet says who is awaited (``waiting``).
    """
    plan = action_plan(case, lang)
    if plan is None:
        own = [
            {**task, "owner_text": task.get("owner") or "", "origin": "case"}
            for task in case.data.get("actions") or []
        ]
        return coordination.with_waiting(case, own, coord_views.waiting_words())
    by_task = {
        ITEM_TASK_PREFIXES[item["group"]] + item["id"]: item
        for item in checklist_items(case, lang)
        if item["group"] in ITEM_TASK_PREFIXES
    }
    out: list[dict[str, Any]] = []
    for task in plan:
        item = by_task.pop(task["id"], None)
        if item is not None:
            if not (item["relevant"] or show_all):
                continue
            task = {**task, "item": item["field"], "done": item["checked"]}
            task["overdue"] = task["overdue"] and not task["done"]
        out.append(task)
    owners = {t["template"]: (t["owner"], t["owner_text"]) for t in plan if t.get("template")}
    for ident, item in by_task.items():  # ticked items the plan no longer asks for
        template = "gather" if item["group"] == "records" else "arrange"
        title = _item_task_title(item, lang)
        if not item["checked"] or title is None:
            continue
        owner, owner_text = owners.get(template, (None, ""))
        out.append(
            {
                "id": ident,
                "title": title,
                "owner": owner,
                "owner_text": owner_text,
                "due": None,
                "done": True,
                "overdue": False,
                "origin": "derived",
                "template": template,
                "item": item["field"],
            }
        )
    return coordination.with_waiting(case, out, coord_views.waiting_words())


def decision_choices(case: CaseRecord, lang: str) -> list[coordination.Choice]:
    """What the step-6 form offers as the decision: the step-3 options, "wait", "more info"."""
    return coordination.decision_choices(
        option_grid(case, lang),
        _("Wait for now, and look again later"),
        _("Get more information first"),
    )


@case_view(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def tasks(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    form = TaskForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if Perm.EDIT not in perms_for(request.user, case):  # type: ignore[arg-type]
            raise Http404("no such case")
        if form.is_valid():
            actions.add_task(
                Actor.from_request(request),
                case,
                form.cleaned_data["title"],
                form.cleaned_data["owner"] or None,
                form.cleaned_data["due"] or None,
            )
            messages.success(request, _("Task added."))
            return redirect("cases:tasks", case_id=case.pk)
        status = 400
    else:
        record(Actor.from_request(request), "case.view", case_id=case.pk, detail={"page": "tasks"})
    lang = lang_of(request)
    show_all = request.GET.get("all") == "1"
    shown = task_list(case, lang, show_all)
    return render(
        request,
        "cases/tasks.html",
        base_context(
            request,
            case,
            form=form,
            tasks=shown,
            show_all=show_all,
            hidden=len(task_list(case, lang, True)) - len(shown) if not show_all else 0,
            who=task_history(case),
        ),
        status=status,
    )


@case_view(Perm.EDIT)
@require_POST
def task_toggle(request: HttpRequest, case: CaseRecord, task_id: str) -> HttpResponse:
    planned = {t["id"]: t for t in task_list(case, lang_of(request), show_all=True)}
    if task_id not in planned:
        raise Http404("no such task")
    task = planned[task_id]
    actor = Actor.from_request(request)
    if task.get("item"):  # a checklist item's task: the tick lives on the item
        ready = results.checklist_ready_values()
        item_id = task_id.split("_", 1)[1]
        field = task["item"]
        ticked = [] if task["done"] else [field]
        actions.save_checklist(actor, case, {field: ready.get(item_id, True)}, ticked)
        record(
            actor,
            "task.undone" if task["done"] else "task.done",
            case_id=case.pk,
            detail={"task": task_id},
        )
        return redirect("cases:tasks", case_id=case.pk)
    seed = {"title": task["title"], "owner": task.get("owner"), "due": task.get("due")}
    try:
        actions.toggle_task(actor, case, task_id, seed)
    except actions.ActionError:
        raise Http404("no such task") from None
    return redirect("cases:tasks", case_id=case.pk)


@case_view(Perm.DECIDE)
@require_POST
def decide(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    """Record a decision; if the readiness check is not met, pause and say what is open first."""
    lang = lang_of(request)
    check = decision_check(case, lang)
    ready = bool(check and check["ready"])
    choices = {c.value: c for c in decision_choices(case, lang)}
    choice = choices.get(request.POST.get("choice") or "")
    if choice is None:
        messages.error(request, _("Choose what you decided, then press the button again."))
        return redirect("cases:step", case_id=case.pk, number=6)
    if not ready and request.POST.get("confirm") != "1":
        record(Actor.from_request(request), "decision.pause", case_id=case.pk)
        return render(
            request, "cases/pause.html", base_context(request, case, check=check, choice=choice)
        )
    actions.record_decision(Actor.from_request(request), case, ready)
    coordination.note_decision(
        Actor.from_request(request),
        request.user,  # type: ignore[arg-type]
        case,
        choice,
        ready,
    )
    messages.success(request, _("Your decision is noted. You can change your mind at any time."))
    return redirect("cases:step", case_id=case.pk, number=6)


# -- caregivers ---------------------------------------------------------------------------------
@case_view(Perm.MANAGE_CAREGIVERS, read="caregivers")
@require_http_methods(["GET", "POST"])
def caregivers(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _invite, token = actions.invite_caregiver(
                Actor.from_request(request),
                case,
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["label"],
            )
            request.session["new_invite"] = request.build_absolute_uri(
                reverse("invite", kwargs={"token": token})
            )
            return redirect("cases:caregivers", case_id=case.pk)
        status = 400
    link = request.session.pop("new_invite", None)
    return render(
        request,
        "cases/caregivers.html",
        base_context(
            request,
            case,
            form=form,
            new_link=link,
            grants=case.grants.select_related("caregiver"),
            invites=case.invites.filter(used_at__isnull=True, cancelled_at__isnull=True),
        ),
        status=status,
    )


@case_view(Perm.MANAGE_CAREGIVERS)
@require_POST
def caregiver_revoke(request: HttpRequest, case: CaseRecord, grant_id: int) -> HttpResponse:
    grant = get_object_or_404(CaregiverGrant, pk=grant_id, case=case)
    try:
        actions.revoke_caregiver(Actor.from_request(request), case, grant)
    except actions.ActionError:
        messages.info(request, _("This caregiver had no access left to remove."))
    else:
        messages.success(request, _("Access removed. They can no longer see this case."))
    return redirect("cases:caregivers", case_id=case.pk)


@case_view(Perm.MANAGE_CAREGIVERS)
@require_POST
def invite_cancel(request: HttpRequest, case: CaseRecord, invite_id: int) -> HttpResponse:
    invite = get_object_or_404(Invite, pk=invite_id, case=case)
    try:
        actions.cancel_invite(Actor.from_request(request), case, invite)
    except actions.ActionError:
        messages.info(request, _("This invitation was already used or cancelled."))
    else:
        messages.success(request, _("Invitation cancelled. The link no longer works."))
    return redirect("cases:caregivers", case_id=case.pk)


# -- staff --------------------------------------------------------------------------------------
@case_view(Perm.ASSIGN)
@require_POST
def assign(request: HttpRequest, case: CaseRecord) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a coordinator from the list."))
        return redirect("cases:dashboard")
    actions.assign_coordinator(Actor.from_request(request), case, form.cleaned_data["coordinator"])
    messages.success(request, _("Coordinator updated."))
    return redirect("cases:dashboard")


# -- who did what -------------------------------------------------------------------------------
def activity(case: CaseRecord, limit: int = 10) -> list[Any]:
    """The latest changes to the case (not reads), for the people working on it."""
    from audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(case_id=case.pk, outcome="ok")
        .exclude(action__in=["case.view", "report.download", "audit.view", "audit.export"])
        .order_by("-id")[:limit]
    )


def last_changed_by(case: CaseRecord) -> dict[str, Any]:
    """For each checklist field, the last event that changed it (who ticked what)."""
    from audit.models import AuditEvent

    found: dict[str, Any] = {}
    events = AuditEvent.objects.filter(
        case_id=case.pk, action__in=["checklist.save", "case.save"]
    ).order_by("-id")[:200]
    for event in events:
        for path in event.detail.get("fields", []):
            found.setdefault(path, event)
    return found


def task_history(case: CaseRecord) -> dict[str, Any]:
    from audit.models import AuditEvent

    found: dict[str, Any] = {}
    events = AuditEvent.objects.filter(
        case_id=case.pk, action__in=["task.add", "task.done", "task.undone"]
    ).order_by("-id")[:500]
    for event in events:
        found.setdefault(event.detail.get("task", ""), event)
    return found
