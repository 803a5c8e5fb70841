"""The test runner and the personas every test uses."""

from __future__ import annotations

import re
import shutil
import tempfile
import unittest
import uuid
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client, SimpleTestCase, TestCase, tag
from django.test.runner import DiscoverRunner, ParallelTestSuite, test_match_tags
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.agencies.models import Agency, Role, Staff
from desk.catalog.models import Category, FieldKind, FormField, Service
from desk.notifications.backends import MemoryBackend

SERIAL = "serial"
# Tests that open many database connections at once (threads released by a barrier, each with its
# own connection) carry this tag: under --parallel they run after the parallel part, alone, so two
# of them never add up past PostgreSQL's max_connections (CONTRIBUTING.md, "Tests").
serial = tag(SERIAL)


def is_serial(test: Any) -> bool:
    """Tagged `serial` (a test module that failed to load counts too: it fails in either part)."""
    return bool(test_match_tags(test, {SERIAL}, set()))


class SerialLastSuite(ParallelTestSuite):
    """The parallel suite, then the tests tagged `serial` one after another in this process, once
    every worker has finished (the workers' databases are clones; this process keeps the first)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.serial: list[Any] = []

    def __iter__(self) -> Any:
        return iter([*self.subsuites, unittest.TestSuite(self.serial)])

    def run(self, result: Any) -> Any:  # type: ignore[override]
        super().run(result)
        if self.serial and not result.shouldStop:
            unittest.TestSuite(self.serial).run(result)
        return result


class Runner(DiscoverRunner):
    """Runs jobs inline, keeps SMS in memory and uploads in a throwaway folder, and gives every
    test a cache namespace of its own. Under --parallel, the tests tagged `serial` run last and
    alone."""

    parallel_test_suite = SerialLastSuite

    def build_suite(self, *args: Any, **kwargs: Any) -> Any:
        suite = super().build_suite(*args, **kwargs)
        if isinstance(suite, SerialLastSuite):
            subsuites = []
            for subsuite in suite.subsuites:
                tests = list(subsuite)
                suite.serial.extend(test for test in tests if is_serial(test))
                rest = [test for test in tests if not is_serial(test)]
                if rest:
                    subsuites.append(type(subsuite)(rest))
            suite.subsuites = subsuites
            # No more workers (and database clones) than the parallel part needs.
            suite.processes = self.parallel = max(1, min(suite.processes, len(subsuites)))
            if self.parallel == 1:
                return self.test_suite([*subsuites, *suite.serial])
        return suite

    def setup_test_environment(self, **kwargs: Any) -> None:
        super().setup_test_environment(**kwargs)
        from huey.contrib.djhuey import HUEY

        HUEY.immediate = True
        settings.SMS_BACKEND = "memory"
        # Webhooks go to the recorder (desk.integrations.transport.FakeTransport), never out.
        settings.WEBHOOK_TRANSPORT = "fake"
        # Uploads are scanned by the stand-in for ClamAV that finds the EICAR test file.
        settings.ANTIVIRUS_BACKEND = "fake"
        # Tests must not depend on the hour they run at; quiet hours have their own tests.
        settings.SMS_QUIET_HOURS = "off"
        # Personas sign in all the time; the real hasher is slow on purpose.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # Configuration is cached across requests (desk.core.cache) and a test's rows are rolled
        # back, not its cache: every test starts in a cache namespace of its own.
        SimpleTestCase._pre_setup = _pre_setup_isolating_cache  # type: ignore[attr-defined]
        self._media = tempfile.mkdtemp(prefix="desk-test-media-")
        settings.MEDIA_ROOT = self._media
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": self._media},
            },
        }

    def teardown_test_environment(self, **kwargs: Any) -> None:
        SimpleTestCase._pre_setup = _django_pre_setup  # type: ignore[attr-defined]
        shutil.rmtree(self._media, ignore_errors=True)
        super().teardown_test_environment(**kwargs)


_django_pre_setup = SimpleTestCase.__dict__["_pre_setup"]


@classmethod  # type: ignore[misc]
def _pre_setup_isolating_cache(cls: type[SimpleTestCase]) -> None:
    _django_pre_setup.__func__(cls)
    isolate_cache()


# A one-page PDF that pikepdf parses cleanly (desk/lib/filecheck.py), and a 1×1 PNG as Pillow
# writes it, so that re-encoding on upload gives back the very same bytes.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n203\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x01c\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfeU\xea#R"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def plan_cache_mode() -> str:
    """PostgreSQL's ``plan_cache_mode`` on the test's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


def prepared_plans(pattern: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of each of the connection's prepared statements whose text
    is ``LIKE pattern`` (PostgreSQL's ``pg_prepared_statements``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [pattern],
        )
        return [(int(generic), int(custom)) for generic, custom in cursor.fetchall()]


def create_agency(name: str = "شهرداری نمونه", slug: str = "sample-municipality") -> Agency:
    return Agency.objects.create(name=name, slug=slug, province="تهران", city="تهران")


def create_staff(agency: Agency, username: str, role: str = Role.EXPERT) -> User:
    user = User.objects.create_user(
        username=username, password="a-Strong-pass-1404", first_name="کارمند", last_name=username
    )
    Staff.objects.create(user=user, agency=agency, role=role)
    return user


def create_citizen(national_code: str = "0084575948", mobile: str = "+989121234567") -> User:
    user = User.objects.create_user(
        username=f"citizen-{national_code}",
        national_code=national_code,
        mobile=mobile,
        first_name="مریم",
        last_name="رضایی",
    )
    user.set_unusable_password()
    user.save()
    return user


def create_service(
    agency: Agency,
    *,
    slug: str = "building-permit",
    category: Category | None = None,
    **extra: Any,
) -> Service:
    if category is None:
        category, _ = Category.objects.get_or_create(slug="housing", defaults={"name": "مسکن"})
    fields: dict[str, Any] = {
        "title": "صدور پروانه ساختمانی",
        "summary": "درخواست پروانه ساخت برای ملک مسکونی",
        "national_id": f"SRV-{slug}",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "city",
        "duration_working_days": 3,
        "complaint_procedure": "شکایت از طریق سامانه ۱۱۱ یا همین میز خدمت",
        "responsible_name": "مهندس احمدی",
        **extra,
    }
    service = Service.objects.create(agency=agency, category=category, slug=slug, **fields)
    FormField.objects.create(
        service=service, order=1, name="address", label="نشانی ملک", kind=FieldKind.TEXT
    )
    FormField.objects.create(
        service=service, order=2, name="deed", label="تصویر سند", kind=FieldKind.FILE
    )
    return service


def isolate_cache() -> None:
    """Give this test its own cache namespace (rate-limit counters start at zero).

    A fresh key prefix rather than cache.clear(): parallel workers share one Redis database on
    CI, and clearing it would wipe the counters of a test running in another worker.
    """
    from django.core.cache import cache

    prefix = f"test-{uuid.uuid4().hex}"
    cache.key_prefix = prefix  # this thread's cache object
    # Django makes one cache object per thread, from the settings: the threads of a live server
    # (browser tests) must use the same namespace as the test that drives them.
    settings.CACHES["default"]["KEY_PREFIX"] = prefix


def create_totp_device(user: User) -> TOTPDevice:
    """The person's confirmed authenticator app (one per person)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the person's app shows now (or at the Unix time `at`)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        generator.time = at
    return f"{generator.token():0{device.digits}d}"


class DeskClient(Client):
    """A test client whose force_login is a finished staff sign-in: the session's clocks are
    started and registered, and anyone who must use two-factor sign-in (or enrolled) gets an
    authenticator that has verified this session. Citizens are signed in as before."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        if not user.national_code:
            sign_in_verified(self, user)


def sign_in_verified(client: Client, user: User) -> None:
    from desk.accounts.sessions import TWO_FACTOR_STATE, staff_session_start

    session = client.session
    staff_session_start(session=session, user=user)
    if session[TWO_FACTOR_STATE] == "required":
        session[DEVICE_ID_SESSION_KEY] = create_totp_device(user).persistent_id
    session.save()


class BaseTestCase(TestCase):
    """Personas: a citizen, staff of the agency that owns the service, and an outsider agency.

    `self.client.force_login(person)` signs a person in as if through the whole staff sign-in,
    two-factor included (DeskClient)."""

    client_class = DeskClient

    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        MemoryBackend.clear()
        self.agency = create_agency()
        self.other_agency = create_agency("شرکت گاز نمونه", "sample-gas")
        self.service = create_service(self.agency)
        self.citizen = create_citizen()
        self.expert = create_staff(self.agency, "expert")
        self.manager = create_staff(self.agency, "manager", Role.MANAGER)
        self.outsider = create_staff(self.other_agency, "outsider")

    def link_on(self, page: Any, url: str) -> str:
        """The link to ``url`` on ``page`` with its query, as a person follows it (a lookup's
        download links carry their proof)."""
        found = re.search(rf'href="({re.escape(url)}[^"]*)"', page.content.decode())
        assert found is not None, f"no link to {url} on the page"
        return found.group(1).replace("&amp;", "&")


def define_permit_workflow(service: Service) -> Any:
    """Five working steps across three departments: intake, technical review, payment,
    decision by a manager; with the citizen asked for more at intake."""
    from desk.workflow.services import workflow_define

    steps: list[dict[str, Any]] = [
        {
            "key": "intake",
            "kind": "review",
            "is_start": True,
            "role": Role.EXPERT,
            "department": "پذیرش",
            "citizen_label": "بررسی مدارک",
            "staff_label": "بررسی اولیه مدارک",
            "duration_days": 1,
        },
        {
            "key": "ask",
            "kind": "ask_citizen",
            "role": Role.EXPERT,
            "department": "پذیرش",
            "citizen_label": "در انتظار مدارک شما",
            "staff_label": "در انتظار متقاضی",
        },
        {
            "key": "technical",
            "kind": "review",
            "role": Role.EXPERT,
            "department": "فنی",
            "citizen_label": "بررسی فنی",
            "staff_label": "بازدید و بررسی فنی",
            "duration_days": 3,
        },
        {
            "key": "payment",
            "kind": "payment",
            "role": Role.EXPERT,
            "department": "درآمد",
            "citizen_label": "تأیید پرداخت",
            "staff_label": "تأیید پرداخت عوارض",
            "duration_days": 1,
        },
        {
            "key": "decision",
            "kind": "decision",
            "role": Role.MANAGER,
            "department": "فنی",
            "citizen_label": "تصمیم نهایی",
            "staff_label": "تصمیم مدیر",
            "duration_days": 2,
        },
        {
            "key": "done",
            "kind": "end_completed",
            "citizen_label": "صادر شد",
            "staff_label": "صادرشده",
        },
        {
            "key": "rejected",
            "kind": "end_rejected",
            "citizen_label": "رد شد",
            "staff_label": "ردشده",
        },
    ]
    actions: list[dict[str, Any]] = [
        {"source": "intake", "target": "technical", "key": "accept", "label": "تأیید مدارک"},
        {
            "source": "intake",
            "target": "ask",
            "key": "request_info",
            "label": "درخواست مدرک",
            "needs_message": True,
        },
        {
            "source": "ask",
            "target": "intake",
            "key": "provide_info",
            "label": "ارسال",
            "by_citizen": True,
        },
        {"source": "technical", "target": "payment", "key": "approve", "label": "تأیید فنی"},
        {
            "source": "technical",
            "target": "rejected",
            "key": "reject",
            "label": "رد",
            "needs_message": True,
        },
        {
            "source": "payment",
            "target": "decision",
            "key": "confirm_payment",
            "label": "پرداخت تأیید شد",
        },
        {
            "source": "decision",
            "target": "done",
            "key": "complete",
            "label": "صدور پروانه",
            "needs_result": True,
        },
        {
            "source": "decision",
            "target": "rejected",
            "key": "reject",
            "label": "رد",
            "needs_message": True,
        },
    ]
    return workflow_define(service=service, steps=steps, actions=actions)


def give_position(user: User, department_name: str, role: str = Role.EXPERT) -> None:
    from desk.workflow.models import Department, Position

    staff = user.staff
    department, _ = Department.objects.get_or_create(agency=staff.agency, name=department_name)
    Position.objects.get_or_create(staff=staff, department=department, role=role)
