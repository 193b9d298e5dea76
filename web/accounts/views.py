"""Signing in and out, signing up, the language switch, invitations and staff accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import actions
from accounts.forms import PasswordForm, RegisterForm, SignInForm, StaffUserForm
from accounts.models import Language, Role, User
from audit.actions import Actor
from cases import actions as case_actions
from cases.access import role_view, signed_in


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop("timed_out", False)
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


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
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
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
        {"form": form, "invite": found, "token": token},
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
