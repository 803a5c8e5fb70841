"""manage.py demo_totp: the code an authenticator app holding the public demo key shows now.

For evaluating the demo without a phone at hand. It knows only the published demo key
(desk.demo.data.DEMO_TOTP_KEY), never a real person's: outside the demo it opens nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from desk.demo import data as demo
from desk.lib.persian import to_persian_digits


class Command(BaseCommand):
    help = "Print the current 6-digit code of the demo accounts' authenticator key."

    def handle(self, *args: Any, **options: Any) -> None:
        generator = TOTP(demo.DEMO_TOTP_KEY)
        code = f"{generator.token():06d}"
        left = 30 - int(time.time()) % 30
        self.stdout.write(
            f"{code}  ({to_persian_digits(code)}) — valid for {left} s more / "
            f"{to_persian_digits(left)} ثانیه دیگر"
        )
