"""The two-step sign-in pages: set up an authenticator, give a code, see recovery codes.

Thin views over :mod:`accounts.twofactor`, which writes every change and its audit event.
:mod:`accounts.twofactor_middleware` sends people here before any other page.
"""

from __future__ import annotations

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.models import Device

from accounts import twofactor
from accounts.models import User
from audit.actions import Actor
from cases.access import signed_in

NEW_CODES = "twofactor_new_codes"  # session key: recovery codes waiting to be shown once


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


def _next(request: HttpRequest) -> str:
    """Where to go after this step: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _passed(request: HttpRequest, device: Device) -> None:
    """Mark this session as past the second step, under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)


@signed_in
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show the QR code and the key of a new authenticator; switch it on with one code."""
    user: User = request.user  # type: ignore[assignment]
    target = _next(request)
    if twofactor.enrolled(user):
        if not twofactor.is_verified(request):
            return redirect(_with_next("accounts:twofactor_verify", target))
        return redirect("accounts:twofactor_codes")
    device = twofactor.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = twofactor.confirm_authenticator(
            Actor.from_request(request), device, form.cleaned_data["code"]
        )
        if done is not None:
            device, codes = done
            _passed(request, device)
            request.session[NEW_CODES] = codes
            messages.success(request, _("Two-step sign-in is on."))
            return redirect(_with_next("accounts:twofactor_codes", target))
        form.add_error(
            "code",
            _("This code is not right. Type the six digits the app shows now, then try again."),
        )
    context = {
        "form": form,
        "next": target,
        "required": twofactor.required(user),
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_text(device),
    }
    return render(
        request, "accounts/twofactor_setup.html", context, status=400 if form.errors else 200
    )


@signed_in
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    target = _next(request)
    if twofactor.is_verified(request):
        return redirect(target)
    if not twofactor.enrolled(user):
        if twofactor.required(user):
            return redirect(_with_next("accounts:twofactor_setup", target))
        return redirect(target)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        check = twofactor.check_code(Actor.from_request(request), user, form.cleaned_data["code"])
        if check.ok:
            _passed(request, check.device)
            if check.recovery_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; it will not work again. Recovery codes "
                        "left: %(count)d. You can make new ones on the two-step sign-in page."
                    )
                    % {"count": check.recovery_codes_left},
                )
            return redirect(target)
        if check.throttled:
            status = 429
            form.add_error(
                "code", _("Too many wrong codes in a row. Please wait a little, then try again.")
            )
        else:
            form.add_error(
                "code", _("This code is not right. Check the app or your recovery codes.")
            )
    if form.errors and status == 200:
        status = 400
    return render(
        request, "accounts/twofactor_verify.html", {"form": form, "next": target}, status=status
    )


@signed_in
@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; and the button that makes a new set."""
    user: User = request.user  # type: ignore[assignment]
    target = _next(request)
    if not twofactor.enrolled(user):
        return redirect(_with_next("accounts:twofactor_setup", target))
    if not twofactor.is_verified(request):
        return redirect(_with_next("accounts:twofactor_verify", target))
    if request.method == "POST":
        request.session[NEW_CODES] = twofactor.new_recovery_codes(Actor.from_request(request), user)
        messages.success(request, _("New recovery codes are ready. The old ones no longer work."))
        return redirect(_with_next("accounts:twofactor_codes", target))
    context = {
        "codes": request.session.pop(NEW_CODES, None),
        "left": twofactor.recovery_codes_left(user),
        "next": target,
    }
    return render(request, "accounts/twofactor_codes.html", context)
