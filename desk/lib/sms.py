"""SMS arithmetic: how many parts a text takes, and when quiet hours end.

A text made only of GSM 03.38 characters travels in 7-bit septets: 160 in one part, 153 per
part once it is split (the rest of each part carries the header that joins them). Anything else
(every Persian letter and digit) forces UCS-2: 70 UTF-16 units in one part, 67 per part.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each character costs an escape septet plus its own.
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7 = "gsm7"
UCS2 = "ucs2"
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int
    per_part: int  # the capacity of each part at this length

    @property
    def left_in_part(self) -> int:
        """Units still free in the last part before the text needs one more."""
        return self.parts * self.per_part - self.units if self.parts else self.per_part


def sms_length(text: str) -> SmsLength:
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        encoding = GSM7
        units = len(text) + sum(1 for c in text if c in _GSM_EXTENDED)
    else:
        encoding = UCS2
        units = len(text.encode("utf-16-le")) // 2  # characters beyond the BMP take two units
    single, concatenated = _LIMITS[encoding]
    if units == 0:
        return SmsLength(encoding, 0, 0, single)
    if units <= single:
        return SmsLength(encoding, units, 1, single)
    return SmsLength(encoding, units, math.ceil(units / concatenated), concatenated)


def sms_parts(text: str) -> int:
    """The number of SMS parts `text` is billed and sent as (0 for an empty text)."""
    return sms_length(text).parts


# --- Quiet hours ------------------------------------------------------------------------------

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class QuietHours:
    start: datetime.time
    end: datetime.time

    def contains(self, moment: datetime.time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # the window crosses midnight


def parse_quiet_hours(value: str) -> QuietHours | None:
    """``"22:00-07:00"`` → QuietHours; ``""`` or ``"off"`` → None. Raises ValueError."""
    if value.strip().lower() in {"", "off", "none"}:
        return None
    match = _WINDOW.match(value)
    if match is None:
        raise ValueError(f"quiet hours must look like 22:00-07:00, not {value!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = datetime.time(h1, m1), datetime.time(h2, m2)
    except ValueError:
        raise ValueError(f"quiet hours {value!r} are not times of day") from None
    if start == end:
        raise ValueError(f"quiet hours {value!r} start and end at the same time")
    return QuietHours(start, end)


def quiet_hours_end(
    now: datetime.datetime, quiet: QuietHours | None, tz: ZoneInfo
) -> datetime.datetime | None:
    """When the quiet hours that `now` falls in end (aware), or None outside quiet hours."""
    if quiet is None:
        return None
    local = now.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return None
    end = datetime.datetime.combine(local.date(), quiet.end, tzinfo=tz)
    if end <= local:
        end = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), quiet.end, tz)
    return end
