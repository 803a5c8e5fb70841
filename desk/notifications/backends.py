"""SMS gateways behind one interface. The real provider clients arrive with the notifications
issue; these three cover development, the demo and tests."""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils import timezone


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, message_id: int) -> str:
        """Send one SMS and return the provider's id for it."""
        ...


class ConsoleBackend:
    def send(self, *, to: str, body: str, message_id: int) -> str:
        line = "─" * 40
        sys.stdout.write(f"\n{line}\nپیامک به {to} (#{message_id}):\n{body}\n{line}\n")
        sys.stdout.flush()
        return f"console-{message_id}"


class FileBackend:
    def send(self, *, to: str, body: str, message_id: int) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"{timezone.now().isoformat()}\t{message_id}\t{to}\t{body!r}\n")
        return f"file-{message_id}"


class MemoryBackend:
    """Keeps sent messages in memory, for tests."""

    outbox: ClassVar[list[dict[str, str]]] = []
    _lock = threading.Lock()

    def send(self, *, to: str, body: str, message_id: int) -> str:
        provider_id = uuid.uuid4().hex
        with self._lock:
            self.outbox.append({"to": to, "body": body, "provider_id": provider_id})
        return provider_id

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()


BACKENDS: dict[str, type[SmsBackend]] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "memory": MemoryBackend,
}


def get_backend() -> SmsBackend:
    return BACKENDS[settings.SMS_BACKEND]()
