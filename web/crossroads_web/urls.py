"""Every URL of the web app. The permission-matrix test fails when one is added without a row."""

from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import include, path

from accounts import twofactor_views
from accounts import views as account_views
from api.api import api
from crossroads_web import views

accounts = (
    [
        path("login/", account_views.SignInView.as_view(), name="login"),
        path("logout/", LogoutView.as_view(), name="logout"),
        path("register/", account_views.register, name="register"),
        path("password/", account_views.password, name="password"),
        path("settings/", account_views.account_settings, name="settings"),
        path("password-reset/", account_views.ResetView.as_view(), name="password_reset"),
        path(
            "password-reset/sent/",
            account_views.ResetSentView.as_view(),
            name="password_reset_done",
        ),
        path(
            "password-reset/<uidb64>/<token>/",
            account_views.ResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "password-reset/done/",
            account_views.ResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
        path("staff/", account_views.staff_users, name="staff"),
        path("two-step/", twofactor_views.setup, name="twofactor_setup"),
        path("two-step/code/", twofactor_views.verify, name="twofactor_verify"),
        path("two-step/recovery-codes/", twofactor_views.codes, name="twofactor_codes"),
    ],
    "accounts",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("glossary/", views.glossary, name="glossary"),
    path("floor/", views.floor, name="floor"),
    path("language/", account_views.set_language, name="set_language"),
    path("invite/<str:token>/", account_views.invite, name="invite"),
    path("accounts/", include(accounts)),
    path("cases/", include("cases.urls")),
    path("cases/", include("documents.urls")),  # record documents of a case (documents/)
    path("review/", include("review.urls")),
    path("audit/", include("audit.urls")),
    path("drafts/", include("drafts.urls")),  # unsaved typing on step pages (drafts/)
    path("", include("interop.urls")),  # CDS Hooks, FHIR export and import, trials
    path("api/v1/", api.urls),  # the JSON API (api/); its own matrix: tests/web/api/
    path("api-tokens/", include("api.urls")),
    path("screening/", include("screening.urls")),  # the coordinator worklist (screening/)
]

handler400 = "crossroads_web.views.bad_request"
handler403 = "crossroads_web.views.forbidden"
handler404 = "crossroads_web.views.not_found"
handler500 = "crossroads_web.views.server_error"
