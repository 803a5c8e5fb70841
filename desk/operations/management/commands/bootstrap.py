"""First run: the first superuser, the first agency and its admin (interactive or automated)."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.operations.services import Account, BootstrapError, installation_bootstrap

# Passwords only from the environment or the prompt: a command line is visible to `ps`.
SUPERUSER_PASSWORD = "BOOTSTRAP_SUPERUSER_PASSWORD"
ADMIN_PASSWORD = "BOOTSTRAP_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the first superuser, and optionally the first agency and its admin. Asks for "
        "what is missing; with --no-input takes it from flags and BOOTSTRAP_* variables. "
        "Existing accounts and agencies are left unchanged, so it is safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        env = os.environ.get
        parser.add_argument("--superuser", default=env("BOOTSTRAP_SUPERUSER", ""))
        parser.add_argument("--agency-name", default=env("BOOTSTRAP_AGENCY_NAME", ""))
        parser.add_argument("--agency-slug", default=env("BOOTSTRAP_AGENCY_SLUG", ""))
        parser.add_argument("--admin", default=env("BOOTSTRAP_ADMIN", ""), help="agency admin")
        parser.add_argument("--no-input", action="store_true", help="never prompt")

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = not options["no_input"] and sys.stdin.isatty()
        ask = self._asker(interactive)
        superuser = Account(
            ask(options["superuser"], "Superuser username", "--superuser"),
            self._password(SUPERUSER_PASSWORD, "superuser", interactive),
        )
        slug = options["agency_slug"]
        name = options["agency_name"]
        if interactive and not slug:
            name = input("First agency's name (Persian; empty: none yet): ").strip()
            slug = (
                input("Its short address (latin, e.g. tehran-municipality): ").strip()
                if name
                else ""
            )
        admin_name = options["admin"]
        if interactive and slug and not admin_name:
            admin_name = input("Username of the agency's admin (empty: none yet): ").strip()
        admin = (
            Account(admin_name, self._password(ADMIN_PASSWORD, "agency admin", interactive))
            if admin_name
            else None
        )
        try:
            result = installation_bootstrap(
                superuser=superuser, agency_name=name, agency_slug=slug, agency_admin=admin
            )
        except BootstrapError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _summary("superuser", result.superuser.username, result.superuser_created)
        )
        if result.agency is not None:
            self.stdout.write(_summary("agency", result.agency.slug, result.agency_created))
        if result.admin is not None:
            self.stdout.write(_summary("agency admin", result.admin.username, result.admin_created))

    def _asker(self, interactive: bool) -> Any:
        def ask(value: str, prompt: str, flag: str) -> str:
            if value:
                return value
            if interactive:
                answer = input(f"{prompt}: ").strip()
                if answer:
                    return answer
            raise CommandError(f"{prompt} is required ({flag})")

        return ask

    def _password(self, variable: str, who: str, interactive: bool) -> str:
        password = os.environ.get(variable, "")
        if password or not interactive:
            if not password:
                raise CommandError(f"the {who}'s password is required (set {variable})")
            return password
        first = getpass.getpass(f"Password for the {who}: ")
        if getpass.getpass("Again: ") != first:
            raise CommandError("the passwords differ")
        return first


def _summary(what: str, name: str, created: bool) -> str:
    return f"{what} {name}: {'created' if created else 'already there, left unchanged'}"
