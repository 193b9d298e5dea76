"""Signing in and out, signing up, account settings, password reset by e-mail, the language
switch, invitations and staff accounts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.views import (
    LoginView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import actions
from accounts.forms import (
    NewPasswordForm,
    PasswordForm,
    RegisterForm,
    ResetForm,
    SettingsForm,
    SignInForm,
    StaffUserForm,
)
from accounts.models import Language, Role, User
from accounts.zones import zone_for, zone_label
from audit.actions import Actor, client_ip
from cases import actions as case_actions
from cases.access import role_view, signed_in
from crossroads_web.context import set_language_cookie


class RefusedFormIs400:
    """A form view mixin: a refused form answers 400, not 200, like every refused input here."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class SignInView(RefusedFormIs400, LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop("timed_out", False)
        return context


def _login(request: HttpRequest, user: User) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    translation.activate(user.language)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Patients sign up here; caregivers sign up through their invitation link."""
    if request.user.is_authenticated:
        return redirect("cases:dashboard")
    initial = {"language": translation.get_language() or "en"}
    form = RegisterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = actions.register(
            Actor.from_request(request),
            form.cleaned_data["username"],
            form.cleaned_data["password1"],
            Role.PATIENT,
            form.cleaned_data["language"],
            form.cleaned_data["display_name"],
            form.cleaned_data["email"],
        )
        _login(request, user)
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("cases:new")
    status = 400 if form.errors else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@signed_in
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(
            Actor.from_request(request), user, form.cleaned_data["new_password"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("cases:dashboard")
    status = 400 if form.errors else 200
    return render(request, "accounts/password.html", {"form": form}, status=status)


@signed_in
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    """E-mail address (for password reset) and time zone; links to password and two-step."""
    user: User = request.user  # type: ignore[assignment]
    automatic = zone_for(
        User(pk=user.pk, role=user.role), request.COOKIES.get("browser_tz")
    )  # what "Automatic" would give, shown next to it
    form = SettingsForm(
        request.POST or None,
        initial={"email": user.email, "time_zone": user.time_zone},
        automatic=zone_label(automatic),
    )
    if request.method == "POST" and form.is_valid():
        actions.update_settings(
            Actor.from_request(request),
            user,
            form.cleaned_data["email"],
            form.cleaned_data["time_zone"],
        )
        request.session.pop("auto_zone", None)
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings.html", {"form": form}, status=status)


def _anonymous_actor(request: HttpRequest) -> Actor:
    return Actor(None, "", "anonymous", client_ip(request), request.path[:300])


class ResetView(RefusedFormIs400, PasswordResetView):
    """Ask for a link by e-mail; the answer is the same whether the address is known or not."""

    form_class = ResetForm
    template_name = "accounts/reset_form.html"
    email_template_name = "accounts/email/reset_body.txt"
    subject_template_name = "accounts/email/reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        actions.password_reset(_anonymous_actor(self.request))
        return super().form_valid(form)


class ResetSentView(PasswordResetDoneView):
    template_name = "accounts/reset_sent.html"


class ResetConfirmView(RefusedFormIs400, PasswordResetConfirmView):
    """The link from the e-mail: choose a new password. Sessions and API tokens of the old
    password end (the session hash changes; ``api.signals`` revokes tokens)."""

    template_name = "accounts/reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        actions.password_reset_done(
            Actor(user.pk, user.get_username(), user.role, client_ip(self.request), "")
        )
        return response


class ResetCompleteView(PasswordResetCompleteView):
    template_name = "accounts/reset_complete.html"


# Chinese family names of two characters (复姓), from the traditional list of family names
# (百家姓) as far as they are still in use. Why here and not in the knowledge base: a name is
# not a clinical fact, and this list only decides how an invitation greets someone.
COMPOUND_FAMILY_NAMES = frozenset(
    (
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "令狐",
        "夏侯",
        "轩辕",
        "端木",
        "南宫",
        "西门",
        "申屠",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "仲孙",
        "钟离",
        "闻人",
        "赫连",
        "呼延",
        "万俟",
        "司空",
        "独孤",
        "拓跋",
        "百里",
        "东郭",
        "第五",
        "左丘",
        "梁丘",
        "公羊",
        "谷梁",
        "羊舌",
        "微生",
        "乐正",
        "壤驷",
        "公良",
        "漆雕",
        "段干",
    )
)


def first_name(case_data: object) -> str:
    """The patient's first name from the case, for an invitation: never the whole name.

    A name written with spaces gives its first word ("Wei Li" gives "Wei"). A Chinese name
    written without spaces puts the family name first, so a name of two to four such
    characters gives those after the family name ("李伟" gives "伟"; "欧阳娜娜" gives "娜娜",
    a two-character family name). No name gives "".
    """
    patient = case_data.get("patient") if isinstance(case_data, dict) else None
    name = patient.get("name") if isinstance(patient, dict) else None
    if not isinstance(name, str) or not name.strip():
        return ""
    words = name.split()
    if len(words) > 1:
        return words[0][:50]
    word = words[0]
    if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
        family = 2 if len(word) >= 3 and word[:2] in COMPOUND_FAMILY_NAMES else 1
        return word[family:]
    return word[:50]


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; saved on the account so it follows the person."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        actions.set_language(Actor.from_request(request), request.user, language)
    translation.activate(language)
    set_language_cookie(response, language)
    return response


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """A caregiver's invitation link: sign up or sign in, then accept."""
    found = case_actions.find_invite(token)
    if found is None or not found.usable():
        return render(request, "accounts/invite_invalid.html", status=410 if found else 404)
    user = request.user
    form = RegisterForm(
        request.POST or None,
        role=Role.CAREGIVER,
        initial={"language": translation.get_language() or "en"},
    )
    if request.method == "POST":
        actor = Actor.from_request(request)
        if user.is_authenticated:
            if getattr(user, "role", None) != Role.CAREGIVER:
                messages.error(request, _("Only a caregiver account can accept this invitation."))
                return redirect("invite", token=token)
            try:
                grant = case_actions.accept_invite(actor, token, user)
            except case_actions.ActionError:
                return render(request, "accounts/invite_invalid.html", status=410)
            messages.success(request, _("You can now help with this case."))
            return redirect("cases:overview", case_id=grant.case_id)
        if form.is_valid():
            new_user = actions.register(
                actor,
                form.cleaned_data["username"],
                form.cleaned_data["password1"],
                Role.CAREGIVER,
                form.cleaned_data["language"],
                form.cleaned_data["display_name"],
                form.cleaned_data["email"],
            )
            _login(request, new_user)
            try:
                grant = case_actions.accept_invite(Actor.from_request(request), token, new_user)
            except case_actions.ActionError:
                return render(request, "accounts/invite_invalid.html", status=410)
            messages.success(request, _("Welcome. You can now help with this case."))
            return redirect("cases:overview", case_id=grant.case_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/invite.html",
        {
            "form": form,
            "invite": found,
            "token": token,
            "inviter": found.created_by.shown_name,
            "patient_first_name": first_name(found.case.data),
        },
        status=status,
    )


@role_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def staff_users(request: HttpRequest) -> HttpResponse:
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.create_user(
            Actor.from_request(request),
            form.cleaned_data["username"],
            form.cleaned_data["password"],
            form.cleaned_data["role"],
            full_name=form.cleaned_data["full_name"],
        )
        messages.success(request, _("Account created."))
        return redirect("accounts:staff")
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/staff.html",
        {"form": form, "users": User.objects.order_by("role", "username")},
        status=status,
    )
