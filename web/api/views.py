"""The API tokens page: a person makes tokens for their own programs and revokes them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import twofactor
from accounts.models import User
from api import tokens
from api.models import ApiToken
from audit.actions import Actor
from cases.access import deny, signed_in
from cases.forms import PlainTextField


class TokenForm(forms.Form):
    label = PlainTextField(
        label=gettext_lazy("What is this token for?"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("For example: the clinic's planning tool. Only you see this."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for how many days"),
        min_value=1,
        max_value=tokens.MAX_DAYS,
        initial=90,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if twofactor.required(user) and not twofactor.is_verified(request):
            # The two-step gate (accounts.twofactor_middleware) stops this first; a token
            # outlives the session, so it is never made on a password alone.
            deny(request, None, "two_factor")
            return redirect("accounts:twofactor_verify")
        if form.is_valid():
            _token, raw = tokens.issue(
                Actor.from_request(request),
                user,
                form.cleaned_data["label"],
                form.cleaned_data["days"],
            )
            request.session["new_api_token"] = raw
            return redirect("api_tokens:list")
        status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": request.session.pop("new_api_token", None),
            "tokens": ApiToken.objects.filter(user=user).order_by("-id"),
        },
        status=status,
    )


@signed_in
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        deny(request, None, "api_token")
        raise Http404("no such token")
    try:
        tokens.revoke(Actor.from_request(request), token)
    except tokens.TokenError:
        messages.info(request, _("This token was already revoked."))
    else:
        messages.success(request, _("Token revoked. Programs using it can no longer sign in."))
    return redirect("api_tokens:list")
