"""``manage.py api_token``: make, list and revoke API tokens from the command line.

``create USERNAME [--label TEXT] [--days N]`` prints the new token once (only its digest is
kept); ``list USERNAME`` shows a person's tokens; ``revoke ID`` ends one at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api import tokens
from api.models import ApiToken
from audit.actions import Actor


class Command(BaseCommand):
    help = "Make, list and revoke API tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create", help="make a token for an account and print it once")
        create.add_argument("username")
        create.add_argument("--label", default="")
        create.add_argument("--days", type=int, default=None)
        listing = sub.add_parser("list", help="show an account's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its number")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("api_token")
        what = options["what"]
        if what == "create":
            user = self._user(options["username"])
            try:
                token, raw = tokens.issue(actor, user, options["label"], options["days"])
            except tokens.TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(raw)
            self.stderr.write(
                f"Token {token.pk} for {user.username}, valid until {token.expires_at:%Y-%m-%d}. "
                "Copy it now: it is not shown again."
            )
        elif what == "list":
            user = self._user(options["username"])
            for token in ApiToken.objects.filter(user=user):
                state = (
                    "revoked" if token.revoked_at else ("in use" if token.usable() else "expired")
                )
                self.stdout.write(
                    f"{token.pk}\t{token.prefix}…\t{token.label or '-'}\t"
                    f"{token.expires_at:%Y-%m-%d}\t{state}"
                )
        else:
            found = ApiToken.objects.filter(pk=options["token_id"]).first()
            if found is None:
                raise CommandError(f"no token number {options['token_id']}")
            try:
                tokens.revoke(actor, found)
            except tokens.TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Token {found.pk} revoked.")

    @staticmethod
    def _user(username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        return user
