"""SMS gateways behind one interface, chosen by the SMS_BACKEND setting.

Each message records the gateway that sent it, so that its receipts and lookups go back to the
same provider even after SMS_BACKEND changes.
"""

from __future__ import annotations

from django.conf import settings

from desk.notifications.backends.base import SmsBackend
from desk.notifications.backends.kavenegar import KavenegarBackend
from desk.notifications.backends.local import ConsoleBackend, FileBackend, MemoryBackend
from desk.notifications.backends.smsir import SmsIrBackend

BACKENDS: dict[str, type[SmsBackend]] = {
    b.name: b for b in (ConsoleBackend, FileBackend, MemoryBackend, KavenegarBackend, SmsIrBackend)
}


def get_backend(name: str | None = None) -> SmsBackend:
    """The gateway called `name`, or the configured one."""
    return BACKENDS[name or settings.SMS_BACKEND]()


__all__ = [
    "BACKENDS",
    "ConsoleBackend",
    "FileBackend",
    "KavenegarBackend",
    "MemoryBackend",
    "SmsBackend",
    "SmsIrBackend",
    "get_backend",
]
