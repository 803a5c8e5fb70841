"""manage.py otp_reset USERNAME: remove a person's authenticator and recovery codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.accounts.models import User
from desk.accounts.services import staff_two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove the two-factor devices (authenticator app and recovery codes) of USERNAME, "
        "after a lost phone. If their role requires two-factor sign-in they enroll again at "
        "their next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        removed = staff_two_factor_reset(user=user)
        if removed:
            self.stdout.write(f"Two-factor sign-in of {user.username} reset; they enroll again.")
        else:
            self.stdout.write(f"{user.username} had no two-factor devices; nothing changed.")
