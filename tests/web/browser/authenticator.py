"""An authenticator app for browser tests: the six-digit code for a key shown on a page."""

from __future__ import annotations

import base64
import time

from django_otp.oath import hotp

STEP = 30  # seconds per code, django-otp's default


class Authenticator:
    """Codes for one key, never the same time step twice (the server refuses a reused code)."""

    def __init__(self, key: str) -> None:
        self.key = base64.b32decode(key.replace(" ", "").upper())
        self.last = -1

    def code(self) -> str:
        step = max(int(time.time()) // STEP, self.last + 1)
        while step > int(time.time()) // STEP + 1:  # the server accepts one step ahead at most
            time.sleep(1)
        self.last = step
        return f"{hotp(self.key, step):06d}"
