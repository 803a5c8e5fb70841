"""One citizen books one service from many threads at the same moment: exactly one booking.

A double click, two tabs or a retrying phone send the same booking again and again; the rule
"one open booking per citizen and service" must hold under that (docs/reliability.md). Half
the attempts take the same slot (a double click), the other half other slots of the same
service (two tabs), all released together by a barrier, each on its own database connection,
through the booking service `appointment_book` with PostgreSQL row locks.

    .venv/bin/python bench/double_booking.py                # 100 attempts, 40 connections
    .venv/bin/python bench/double_booking.py --attempts 20  # CI

Needs PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/desk_reliability);
the script creates and drops the test database `test_<name>` beside it. PostgreSQL allows
100 connections by default and others share the server, so at most --connections attempts
hold one at once (the rest wait on a semaphore released as attempts finish).

Prints one JSON line and exits 1 unless bookings == 1 and errors == 0:
    {"attempts": 100, "bookings": 1, "refused": 99, "errors": 0, "seconds": 1.9, ...}
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _configure() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desk_reliability")
    os.environ["DJANGO_SETTINGS_MODULE"] = "desk.settings"
    os.environ["SMS_BACKEND"] = "memory"
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="desk-double-booking-")
    os.environ.pop("REDIS_URL", None)
    os.environ["HUEY_BACKEND"] = "sqlite"
    import django

    django.setup()
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True  # the booking SMS is sent inline, to the memory backend


def _fixtures(capacity: int) -> dict[str, Any]:
    from desk.appointments.models import Office, SlotTemplate, Weekday
    from desk.appointments.selectors import offer_for
    from desk.test import create_agency, create_citizen, create_service

    agency = create_agency()
    service = create_service(agency)
    office = Office.objects.create(agency=agency, name="دفتر مرکزی", address="تهران")
    for weekday in Weekday:
        SlotTemplate.objects.create(
            office=office,
            service=service,
            weekday=weekday.value,
            starts_at=datetime.time(7, 0),
            ends_at=datetime.time(19, 0),
            slot_minutes=30,
            capacity=capacity,
        )
    slots = offer_for(office=office, service=service).slots
    if len(slots) < 4:
        raise SystemExit("no free slots offered: the working calendar has no day ahead")
    return {
        "office": office,
        "service": service,
        "citizen": create_citizen(),
        "starts": [s.starts_at for s in slots[:4]],
    }


def _race(attempts: int, connections_max: int, fx: dict[str, Any]) -> dict[str, Any]:
    from django.db import connections

    from desk.appointments.services import appointment_book
    from desk.core.errors import ApplicationError

    gate = threading.BoundedSemaphore(connections_max)
    barrier = threading.Barrier(attempts)
    outcomes: dict[str, list[str]] = {"booked": [], "refused": [], "errors": []}
    lock = threading.Lock()

    def attempt(i: int) -> None:
        # Half double-click the first slot; the others spread over three more slots.
        slot_start = fx["starts"][0] if i % 2 else fx["starts"][1 + i % 3]
        barrier.wait()
        with gate:
            try:
                appointment = appointment_book(
                    citizen=fx["citizen"],
                    office=fx["office"],
                    service=fx["service"],
                    slot_start=slot_start,
                    created_by=fx["citizen"],
                )
                kind, detail = "booked", appointment.booking_code
            except ApplicationError as exc:
                kind, detail = "refused", exc.message
            except Exception as exc:  # any other exception is what this script looks for
                kind, detail = "errors", f"{type(exc).__name__}: {exc}"
            finally:
                connections.close_all()
        with lock:
            outcomes[kind].append(detail)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    seconds = round(time.perf_counter() - started, 2)
    return {"outcomes": outcomes, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=100)
    parser.add_argument("--connections", type=int, default=40)
    args = parser.parse_args()
    _configure()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("needs PostgreSQL: SQLite serialises every writer (see the docstring)")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        fixtures = _fixtures(capacity=args.attempts)
        result = _race(args.attempts, args.connections, fixtures)
        from desk.appointments.models import Appointment

        stored = Appointment.objects.filter(citizen=fixtures["citizen"]).count()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    outcomes = result["outcomes"]
    report = {
        "attempts": args.attempts,
        "connections": args.connections,
        "bookings": stored,
        "booked_answers": len(outcomes["booked"]),
        "refused": len(outcomes["refused"]),
        "refused_in_persian": sum("نوبت فعال دارید" in m for m in outcomes["refused"]),
        "errors": len(outcomes["errors"]),
        "first_error": outcomes["errors"][0] if outcomes["errors"] else None,
        "seconds": result["seconds"],
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0 if stored == 1 and not outcomes["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
