"""Sign-up and account forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, Role, User
from accounts.zones import zone_names
from crossroads.common.text import forbidden_character

_USERNAME_HELP = _("Letters, digits and @ . + - _ only; 150 characters at most.")
_EMAIL_HELP = _(
    "Optional. Only used to send you a link if you forget your password; never shown to others."
)
_SIGNUP_REFUSED = _(
    "We could not make an account with these details. Please check them, or choose another "
    "user name."
)


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_EMAIL_HELP,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignInForm(AuthenticationForm):
    error_messages = {  # noqa: RUF012 - Django reads this class attribute
        "invalid_login": _("The user name or password is not right. Please try again."),
        "inactive": _("This account is switched off. Ask the administrator."),
    }


class RegisterForm(forms.Form):
    # The name people see is free text ("Li Wei", "李伟"); the user name for signing in is apart.
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_(
            "As you write it, with spaces or in Chinese, for example Li Wei or 李伟. Others on "
            "the case see it. You may leave it empty."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_USERNAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Not a common password, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    email = _email_field()

    def __init__(self, *args: Any, role: str = Role.PATIENT, **kwargs: Any) -> None:
        self.role = role
        super().__init__(*args, **kwargs)

    def clean_display_name(self) -> str:
        name = " ".join(str(self.cleaned_data.get("display_name") or "").split())
        if forbidden_character(name) or "<" in name or ">" in name:
            raise forms.ValidationError(_("Please remove the special characters from this text."))
        return name

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        validator = User.username_validator
        try:
            validator(name)
        except forms.ValidationError:
            if " " in name.strip():
                raise forms.ValidationError(
                    _(
                        "A user name has no spaces, for example %(example)s. Write your name as "
                        "you like in “Your name” above."
                    )
                    % {"example": ".".join(name.split()).lower()[:150]}
                ) from None
            raise forms.ValidationError(_USERNAME_HELP) from None
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        elif one and "username" in data:
            user = User(username=data["username"], role=self.role)
            try:
                password_validation.validate_password(one, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        # Whether a name is taken is asked last, only of an otherwise complete sign-up, so that
        # probing names with a wrong password learns nothing (sign-ups are also rate-limited).
        if not self.errors and User.objects.filter(username__iexact=data["username"]).exists():
            self.add_error(None, _SIGNUP_REFUSED)
        return data


class SettingsForm(forms.Form):
    """The account settings a person changes themselves: e-mail address and time zone."""

    email = _email_field()
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_(
            "Every time on these pages is shown in this zone. Automatic follows the country of "
            "your case, else your browser."
        ),
    )

    def __init__(self, *args: Any, automatic: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first = _("Automatic (now: %(zone)s)") % {"zone": automatic} if automatic else ""
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", first or _("Automatic")), *((z, z) for z in zone_names())]


class ResetForm(PasswordResetForm):
    """Django's reset form with our wording; it never says whether an address has an account."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """The new password chosen from a reset link, with the same words as the sign-up form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _(
            "At least 12 characters. Not a common password, not only digits."
        )
        self.fields["new_password2"].label = _("New password again")


class PasswordForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Not a common password, not only digits."),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is not right."))
        return value

    def clean_new_password(self) -> str:
        value: str = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.user)
        return value


class StaffUserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150, help_text=_USERNAME_HELP)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in (Role.COORDINATOR, Role.REVIEWER, Role.ADMIN)],
    )
    password = forms.CharField(
        label=_("First password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Not a common password, not only digits."),
    )

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        try:
            User.username_validator(name)
        except forms.ValidationError:
            raise forms.ValidationError(_USERNAME_HELP) from None
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This user name is taken. Please choose another."))
        return name

    def clean_full_name(self) -> str:
        """A name shown on review pages: no control or direction-changing characters."""
        name: str = self.cleaned_data["full_name"]
        if forbidden_character(name):
            raise forms.ValidationError(_("Please remove the special characters from this text."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("username"):
            try:
                password_validation.validate_password(
                    data["password"], User(username=data["username"])
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
