"""Gateways that send nothing: the console and a file (development, the demo) and an in-memory
fake that tests and the benchmark drive, including into failure."""

from __future__ import annotations

import datetime
import sys
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone

from desk.notifications.backends.base import (
    SENT,
    Accepted,
    Inbound,
    Outgoing,
    PermanentFailure,
    Receipt,
    TemporaryFailure,
)


class ConsoleBackend:
    name: ClassVar[str] = "console"
    supports_lookup: ClassVar[bool] = False
    lookup_horizon: ClassVar[datetime.timedelta | None] = None

    def send(self, message: Outgoing) -> Accepted:
        line = "─" * 40
        sys.stdout.write(
            f"\n{line}\nپیامک به {message.to} (#{message.local_id}):\n{message.body}\n{line}\n"
        )
        sys.stdout.flush()
        return Accepted(f"console-{message.local_id}")

    def lookup(self, message: Outgoing) -> Accepted | None:
        return None

    def statuses(self, provider_ids: list[str]) -> list[Receipt]:
        return []

    def receive(self) -> list[Inbound]:
        return []

    @classmethod
    def parse_receipts(cls, data: Mapping[str, Any]) -> list[Receipt]:
        return []

    @classmethod
    def parse_inbound(cls, data: Mapping[str, Any]) -> list[Inbound]:
        return []


class FileBackend(ConsoleBackend):
    """One line per message: time, our id, number, text (escaped). The file is the record the
    lookup searches, so a message in doubt is never written twice."""

    name: ClassVar[str] = "file"
    supports_lookup: ClassVar[bool] = True

    def _path(self) -> Path:
        return Path(settings.SMS_FILE_PATH)

    def send(self, message: Outgoing) -> Accepted:
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(
                f"{timezone.now().isoformat()}\t{message.local_id}\t{message.to}\t"
                f"{message.body!r}\n"
            )
        return Accepted(f"file-{message.local_id}")

    def lookup(self, message: Outgoing) -> Accepted | None:
        path = self._path()
        if not path.exists():
            return None
        wanted = str(message.local_id)
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.split("\t", 2)[1:2] == [wanted]:
                    return Accepted(f"file-{message.local_id}")
        return None


TEMPORARY = "temporary"  # the gateway answers with an error: nothing sent
PERMANENT = "permanent"  # the gateway refuses this message for good
TIMEOUT = "timeout"  # no answer; the request never reached the provider
LOST_REPLY = "lost_reply"  # the provider sent it, but its answer was lost on the way back
MODES = (TEMPORARY, PERMANENT, TIMEOUT, LOST_REPLY)


class MemoryBackend:
    """The fake provider. Everything is class-level so that a test can inspect and steer what
    the worker's own instance does: `fail(mode)` until `recover()`, or `fail(mode, times=n)`."""

    name: ClassVar[str] = "memory"
    supports_lookup: ClassVar[bool] = True
    lookup_horizon: ClassVar[datetime.timedelta | None] = None

    outbox: ClassVar[list[dict[str, Any]]] = []
    inbox: ClassVar[list[Inbound]] = []
    states: ClassVar[dict[str, str]] = {}
    calls: ClassVar[dict[str, int]] = {"send": 0, "lookup": 0}
    _mode: ClassVar[str] = ""
    _times: ClassVar[int | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()
            cls.inbox.clear()
            cls.states.clear()
            cls.calls.update(send=0, lookup=0)
            cls._mode, cls._times = "", None

    @classmethod
    def fail(cls, mode: str, *, times: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        cls._mode, cls._times = mode, times

    @classmethod
    def recover(cls) -> None:
        cls._mode, cls._times = "", None

    @classmethod
    def _next_failure(cls) -> str:
        with cls._lock:
            mode = cls._mode
            if mode and cls._times is not None:
                cls._times -= 1
                if cls._times <= 0:
                    cls._mode, cls._times = "", None
            return mode

    def send(self, message: Outgoing) -> Accepted:
        self.calls["send"] += 1
        mode = self._next_failure()
        if mode == TEMPORARY:
            raise TemporaryFailure("gateway down (503)", code="503")
        if mode == PERMANENT:
            raise PermanentFailure("invalid receptor (411)", code="411")
        if mode == TIMEOUT:
            raise TemporaryFailure("timeout", code="timeout", maybe_sent=True)
        provider_id = uuid.uuid4().hex
        with self._lock:
            self.outbox.append(
                {
                    "to": message.to,
                    "body": message.body,
                    "sender": message.sender,
                    "local_id": message.local_id,
                    "provider_id": provider_id,
                }
            )
        if mode == LOST_REPLY:
            raise TemporaryFailure("timeout", code="timeout", maybe_sent=True)
        return Accepted(provider_id)

    def lookup(self, message: Outgoing) -> Accepted | None:
        self.calls["lookup"] += 1
        # A gateway that is down (not one that merely loses replies) cannot be asked either.
        if self._mode in (TEMPORARY, TIMEOUT) and self._times is None:
            raise TemporaryFailure("gateway down (503)", code="503")
        with self._lock:
            for sent in self.outbox:
                if sent["local_id"] == message.local_id:
                    return Accepted(sent["provider_id"])
        return None

    def statuses(self, provider_ids: list[str]) -> list[Receipt]:
        return [
            Receipt(pid, self.states.get(pid, SENT), self.states.get(pid, SENT))
            for pid in provider_ids
            if any(m["provider_id"] == pid for m in self.outbox)
        ]

    def receive(self) -> list[Inbound]:
        with self._lock:
            received, self.inbox[:] = list(self.inbox), []
        return received

    @classmethod
    def parse_receipts(cls, data: Mapping[str, Any]) -> list[Receipt]:
        state = str(data.get("status", ""))
        return [Receipt(str(data.get("provider_id", "")), state, state)]

    @classmethod
    def parse_inbound(cls, data: Mapping[str, Any]) -> list[Inbound]:
        return [
            Inbound(
                str(data.get("id", "")),
                str(data.get("from", "")),
                str(data.get("to", "")),
                str(data.get("text", "")),
            )
        ]
