"""Fill an empty database with realistic Persian data for the benchmarks (docs/benchmarks.md).

Full scale: 100 agencies, 2,000 services, 200,000 citizens and 1,000,000 requests with their
timelines, SMS outbox and, for the completed ones, their result file (desk.benchdata.results).
`--scale 0.01` makes a hundredth of that. Rows are built by the functions of
desk.benchdata.rows and written with bulk_create in batches, one transaction each.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies.models import Agency, Role, Staff
from desk.benchdata import results, rows, words, writer
from desk.catalog.models import Category, Service, optimize_search_index
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Submission, TimelineEvent
from desk.workflow.models import Action, Department, Position, Step, Workflow, WorkflowVersion

FULL = {"agencies": 100, "services": 2000, "citizens": 200_000, "requests": 1_000_000}
MINIMUM = {"agencies": 2, "services": 4, "citizens": 10, "requests": 20}
STAFF_ROLES = (Role.EXPERT, Role.MANAGER, Role.CLERK)
BENCH_PASSWORD = "bench-Strong-pass-1404"


def counts_for(scale: float) -> dict[str, int]:
    return {name: max(MINIMUM[name], round(full * scale)) for name, full in FULL.items()}


class Command(BaseCommand):
    help = "Fill an empty database with Persian benchmark data (see docs/benchmarks.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 requests")
        parser.add_argument("--batch", type=int, default=5000, help="requests per transaction")
        parser.add_argument("--seed", type=int, default=1404)
        parser.add_argument(
            "--catalog-scale",
            type=float,
            help="agencies and services at another scale than the requests (1 = 2,000 services)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Agency.objects.exists() or Submission.objects.exists():
            raise CommandError("The database is not empty: bench_data only fills a new one.")
        counts = counts_for(options["scale"])
        if options["catalog_scale"] is not None:
            catalog_counts = counts_for(options["catalog_scale"])
            counts.update(agencies=catalog_counts["agencies"], services=catalog_counts["services"])
        rng = random.Random(options["seed"])
        started = time.monotonic()
        self._fast_writes()
        catalog = self._catalog(counts, rng)
        applicants = self._citizens(counts["citizens"], rng, options["batch"] * 4)
        self._requests(counts["requests"], catalog, applicants, rng, options["batch"])
        writer.reset_sequences([User, Submission, TimelineEvent, OutboundMessage])
        results.ensure_result_file()
        added = results.add_missing_results(up_to=counts["requests"])
        self.stdout.write(f"  result files: {added:,}")
        self._analyze()
        self.stdout.write(
            f"bench_data: {counts} in {time.monotonic() - started:.0f} s "
            f"({connection.vendor}, seed {options['seed']})"
        )

    def _fast_writes(self) -> None:
        # Throwaway data: losing the last commits on a crash costs a rerun, nothing more.
        # (Not inside a transaction, such as a test's: SQLite refuses it there.)
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO off")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=OFF")

    @transaction.atomic
    def _catalog(self, counts: dict[str, int], rng: random.Random) -> Catalog:
        agencies = Agency.objects.bulk_create(rows.agency_row(i) for i in range(counts["agencies"]))
        categories = Category.objects.bulk_create(
            rows.category_row(i) for i in range(len(words.CATEGORIES))
        )
        services = Service.objects.bulk_create(
            rows.service_row(
                i,
                agency=agencies[i % len(agencies)],
                category=categories[i % len(categories)],
                rng=rng,
            )
            for i in range(counts["services"])
        )
        children: dict[type[models.Model], list[Any]] = {}
        for service in services:
            for row in rows.service_children_rows(service):
                children.setdefault(type(row), []).append(row)  # type: ignore[arg-type]
        for model, batch in children.items():
            model._default_manager.bulk_create(batch, batch_size=2000)
        password = make_password(BENCH_PASSWORD)
        users = User.objects.bulk_create(
            rows.staff_user_row(agency=agency, role=role, password=password, rng=rng)
            for agency in agencies
            for role in STAFF_ROLES
        )
        Staff.objects.bulk_create(
            rows.staff_row(user=user, agency=agencies[i // len(STAFF_ROLES)], role=role)
            for i, (user, role) in enumerate(zip(users, STAFF_ROLES * len(agencies), strict=True))
        )
        experts = {agency.pk: users[i * len(STAFF_ROLES)].pk for i, agency in enumerate(agencies)}
        names = {agency.pk: agency.name for agency in agencies}
        routes = self._routes(agencies, services, experts, password, rng)
        self.stdout.write(f"  catalog: {len(agencies)} agencies, {len(services)} services")
        return Catalog(services=services, experts=experts, agency_names=names, routes=routes)

    def _routes(
        self,
        agencies: list[Agency],
        services: list[Service],
        experts: dict[int, int],
        password: str,
        rng: random.Random,
    ) -> dict[int, rows.Route]:
        """Departments with their experts (the agency's first expert works in department 0)
        and a published workflow per service routed to one of them."""
        departments = Department.objects.bulk_create(
            d for agency in agencies for d in rows.department_rows(agency)
        )
        per_agency = len(words.DEPARTMENTS)
        team: dict[int, list[int]] = {d.pk: [] for d in departments}
        new_users: list[tuple[User, Agency, Department]] = []
        for a, agency in enumerate(agencies):
            for d, department in enumerate(departments[a * per_agency : (a + 1) * per_agency]):
                extra = rows.EXPERTS_PER_DEPARTMENT - (1 if d == 0 else 0)
                new_users += [
                    (
                        rows.department_expert_user_row(
                            agency=agency, department=d, index=k, password=password, rng=rng
                        ),
                        agency,
                        department,
                    )
                    for k in range(extra)
                ]
        User.objects.bulk_create(u for u, _a, _d in new_users)
        staff = Staff.objects.bulk_create(
            rows.staff_row(user=u, agency=a, role=Role.EXPERT) for u, a, _d in new_users
        )
        positions = [
            rows.position_row(staff=s, department=d)
            for s, (_u, _a, d) in zip(staff, new_users, strict=True)
        ]
        first_experts = Staff.objects.filter(user_id__in=experts.values())
        first_department = {a.pk: departments[i * per_agency] for i, a in enumerate(agencies)}
        positions += [
            rows.position_row(staff=s, department=first_department[s.agency_id])
            for s in first_experts
        ]
        Position.objects.bulk_create(positions)
        for position in positions:
            team[position.department_id].append(position.staff.user_id)
        pairs = [rows.workflow_rows(service) for service in services]
        Workflow.objects.bulk_create(w for w, _v in pairs)
        for workflow, version in pairs:
            version.workflow = workflow
        WorkflowVersion.objects.bulk_create(v for _w, v in pairs)
        index = {a.pk: i for i, a in enumerate(agencies)}
        all_steps: list[Step] = []
        per_service: list[tuple[Service, Department, list[Step]]] = []
        for n, (service, (_w, version)) in enumerate(zip(services, pairs, strict=True)):
            a = index[service.agency_id]
            department = departments[a * per_agency + (n // len(agencies)) % per_agency]
            steps = rows.step_rows(
                version, department=department, days=max(1, service.duration_working_days - 2)
            )
            all_steps += steps
            per_service.append((service, department, steps))
        Step.objects.bulk_create(all_steps, batch_size=2000)
        Action.objects.bulk_create(
            (a for _s, _d, steps in per_service for a in rows.action_rows(steps)), batch_size=2000
        )
        return {
            service.pk: rows.Route(
                version_id=steps[0].version_id,
                steps={step.key: step for step in steps},
                department_id=department.pk,
                experts=tuple(team[department.pk]),
            )
            for service, department, steps in per_service
        }

    def _citizens(self, count: int, rng: random.Random, batch: int) -> list[rows.Applicant]:
        applicants: list[rows.Applicant] = []
        seen: set[str] = set()
        while len(applicants) < count:
            users: list[User] = []
            while len(users) < min(batch, count - len(applicants)):
                code = rows.national_code(rng)
                if code not in seen:
                    seen.add(code)
                    users.append(rows.citizen_row(code=code, rng=rng))
            with transaction.atomic():
                writer.insert(User, users)
            applicants.extend(
                rows.Applicant(u.pk, f"{u.first_name} {u.last_name}", code, u.mobile)
                for u, code in ((u, u.national_code or "") for u in users)
            )
        self.stdout.write(f"  citizens: {len(applicants)}")
        return applicants

    def _requests(
        self,
        count: int,
        catalog: Catalog,
        applicants: list[rows.Applicant],
        rng: random.Random,
        batch: int,
    ) -> None:
        statuses = list(rows.STATUS_WEIGHTS)
        weights = list(rows.STATUS_WEIGHTS.values())
        now = timezone.now()
        used_codes: set[str] = set()
        done = 0
        started = time.monotonic()
        while done < count:
            size = min(batch, count - done)
            picked = rng.choices(statuses, weights, k=size)
            submissions = [
                rows.submission_row(
                    service=rng.choice(catalog.services),
                    applicant=rng.choice(applicants),
                    status=status,
                    now=now,
                    used_codes=used_codes,
                    rng=rng,
                )
                for status in picked
            ]
            for submission in submissions:
                rows.place_in_workflow(
                    submission, route=catalog.routes[submission.service.pk], now=now, rng=rng
                )
            with transaction.atomic():
                writer.insert(Submission, submissions)
                events: list[TimelineEvent] = []
                messages: list[OutboundMessage] = []
                for submission in submissions:
                    service = submission.service
                    expert = submission.assigned_to_id or catalog.experts[service.agency_id]
                    timeline = rows.timeline_rows(submission, expert_id=expert, now=now, rng=rng)
                    events.extend(timeline)
                    agency_name = catalog.agency_names[service.agency_id]
                    messages.extend(
                        rows.message_row(submission, e, service=service, agency_name=agency_name)
                        for e in timeline
                    )
                writer.insert(TimelineEvent, events)
                writer.insert(OutboundMessage, messages)
            done += size
            if done % (batch * 20) == 0 or done == count:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  requests: {done:,} ({rate:,.0f}/s)")

    def _analyze(self) -> None:
        # Fresh statistics, so that the planner sees a million rows and not an empty table.
        optimize_search_index()  # the catalog's word index in one piece, as migrated
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Catalog:
    def __init__(
        self,
        *,
        services: list[Service],
        experts: dict[int, int],
        agency_names: dict[int, str],
        routes: dict[int, rows.Route],
    ) -> None:
        self.services = services
        self.experts = experts
        self.agency_names = agency_names
        self.routes = routes
