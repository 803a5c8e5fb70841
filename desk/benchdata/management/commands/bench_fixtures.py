"""What the load driver needs from a generated database, as JSON on stdout: signed-in
sessions (citizens and one expert), tracking codes with their national codes, the service to
apply to, a search phrase and service pages. Run with the same settings as the server, so that
the sessions land where the server looks for them (the database or Redis)."""

from __future__ import annotations

import json
import random
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.accounts.models import User
from desk.agencies.models import Role, Staff
from desk.benchdata.rows import FORM
from desk.catalog.models import FieldKind, Service
from desk.submissions.models import Submission

# Matches one service object in twenty: a results page of realistic length.
SEARCH_PHRASE = "انشعاب گاز"


def session_for(user: User) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


class Command(BaseCommand):
    help = "Print the load driver's fixtures (sessions, tracking codes, pages) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--citizens", type=int, default=50)
        parser.add_argument("--codes", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        expert = (
            Staff.objects.filter(role=Role.EXPERT, user__username="bench-agency-0000-expert")
            .select_related("user")
            .first()
        )
        # Requests are filed with the last agency, so that the submission scenario does not
        # grow the inbox that the inbox scenario (the first agency) reads.
        last = Service.objects.order_by("-agency_id").first()
        service = (
            Service.objects.filter(agency_id=last.agency_id).order_by("pk").first()
            if last
            else None
        )
        if expert is None or service is None or service.agency_id == expert.agency_id:
            raise CommandError("No benchmark data here: run `manage.py bench_data` first.")
        citizens = list(
            User.objects.filter(national_code__isnull=False).order_by("?")[: options["citizens"]]
        )
        fixtures = {
            "citizen_sessions": [session_for(user) for user in citizens],
            "staff_session": session_for(expert.user),
            "apply_slug": service.slug,
            "form": {name: "نمونه" for name, _l, kind, _r in FORM if kind != FieldKind.FILE},
            "file_field": next(name for name, _l, kind, _r in FORM if kind == FieldKind.FILE),
            "tracking": self._codes(options["codes"], rng),
            "search": SEARCH_PHRASE,
            "service_slugs": list(
                Service.objects.order_by("?").values_list("slug", flat=True)[:50]
            ),
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "requests": Submission.objects.count(),
        }
        self.stdout.write(json.dumps(fixtures, ensure_ascii=False))

    def _codes(self, count: int, rng: random.Random) -> list[list[str]]:
        """Random requests, picked by primary key (ORDER BY random() over a million is slow)."""
        ids = Submission.objects.order_by("pk").values_list("pk", flat=True)
        low, high = ids.first(), ids.last()
        if low is None or high is None:
            return []
        picked = rng.sample(range(low, high + 1), min(count, high - low + 1))
        rows = Submission.objects.filter(pk__in=picked).values_list(
            "tracking_code", "applicant_national_code"
        )
        # Scattered: the database returns them newest first (the model's ordering), and the
        # newest are mostly open; replayed in that order the first thousand lookups would
        # all be of open requests (2 queries) instead of the state mix (completed, with its
        # result file: 3).
        codes = [list(row) for row in rows.order_by()]
        rng.shuffle(codes)
        return codes
