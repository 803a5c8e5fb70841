"""How much one citizen, and one network address, may file: requests and uploaded documents per
hour and per day (fixed windows in the shared cache, desk.core.ratelimit).

The address limits are higher than the citizen's: an office, a kiosk or a mobile carrier's
NAT puts many citizens behind one address. Limits are settings (README, "Quotas")."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from desk.core import ratelimit
from desk.core.errors import ApplicationError
from desk.lib.addresses import limit_scope
from desk.lib.persian import to_persian_digits

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class Quota:
    what: str  # "submissions" or "uploads"
    who: str  # "citizen" or "address"
    window: int  # seconds
    setting: str

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting))


QUOTAS = (
    Quota("submissions", "citizen", HOUR, "SUBMISSIONS_PER_CITIZEN_PER_HOUR"),
    Quota("submissions", "citizen", DAY, "SUBMISSIONS_PER_CITIZEN_PER_DAY"),
    Quota("submissions", "address", HOUR, "SUBMISSIONS_PER_ADDRESS_PER_HOUR"),
    Quota("submissions", "address", DAY, "SUBMISSIONS_PER_ADDRESS_PER_DAY"),
    Quota("uploads", "citizen", HOUR, "UPLOADS_PER_CITIZEN_PER_HOUR"),
    Quota("uploads", "citizen", DAY, "UPLOADS_PER_CITIZEN_PER_DAY"),
    Quota("uploads", "address", HOUR, "UPLOADS_PER_ADDRESS_PER_HOUR"),
    Quota("uploads", "address", DAY, "UPLOADS_PER_ADDRESS_PER_DAY"),
)


def quota_consume(*, citizen_id: int, address: str, submissions: int, uploads: int) -> None:
    """Count a request with `submissions` new requests and `uploads` documents against every
    quota; ApplicationError with a Persian message (and nothing saved) once one is spent."""
    amounts = {"submissions": submissions, "uploads": uploads}
    for quota in QUOTAS:
        subject = str(citizen_id) if quota.who == "citizen" else limit_scope(address)
        key = f"quota:{quota.what}:{quota.who}:{quota.window}:{subject}"
        for _count in range(amounts[quota.what]):
            if not ratelimit.hit(key=key, limit=quota.limit, window_seconds=quota.window):
                raise ApplicationError(_message(quota))


def _message(quota: Quota) -> str:
    hourly = quota.window == HOUR
    values = {
        "limit": to_persian_digits(quota.limit),
        "period": _("یک ساعت") if hourly else _("یک روز"),
    }
    if quota.who == "address":
        text = _(
            "از این اتصال اینترنت در %(period)s بیش از اندازه درخواست یا مدرک فرستاده شده است."
        )
    elif quota.what == "submissions":
        text = _(
            "سقف ثبت درخواست برای هر نفر %(limit)s درخواست در %(period)s است و به آن رسیده‌اید."
        )
    else:
        text = _(
            "سقف بارگذاری مدرک برای هر نفر %(limit)s پرونده در %(period)s است و به آن رسیده‌اید."
        )
    when = _("یک ساعت دیگر دوباره بفرستید.") if hourly else _("فردا دوباره بفرستید.")
    kept = _("آنچه وارد کرده‌اید در همین صفحه مانده است، جز پرونده‌ها که باید دوباره انتخاب شوند.")
    follow = f"{when} {kept}"
    return f"{text % values} {follow}"
