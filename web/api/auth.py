"""Token sign-in for the API: ``Authorization: Bearer <token>``.

The token's owner becomes ``request.user`` for the request, so the API asks the same permission
layer, with the same person, as the pages do, and the audit trail names them. A token that is
presented but unknown, revoked or expired is a refusal in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from api import tokens
from cases.access import deny


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for(token)
        if user is None:
            deny(request, None, "api_token")
            return None
        request.user = user
        return user
