"""Status by SMS: a citizen texts a tracking code to an agency's line and gets the status back.

Called by the notifications app for each received SMS (settings.INBOUND_SMS_HANDLER). The
status goes only to the mobile number registered on the request; anyone else, and anyone texting
a code that does not exist, gets the same neutral answer, so that a texted code proves nothing.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from desk.agencies.models import Agency
from desk.lib import tracking
from desk.lib.persian import to_ascii_digits
from desk.notifications.services import InboundReply
from desk.submissions.models import Submission

# Digits typed on a phone keypad, maybe grouped by spaces, dashes, dots or a ZWNJ.
_DIGIT_RUN = re.compile(r"\d(?:[\s\-.\u200c\u200f\u200e]*\d)*")
_SEPARATORS = re.compile(r"[\s\-.\u200c\u200f\u200e]")


def tracking_code_in(text: str) -> tuple[str, bool] | None:
    """The first twelve-digit run in `text` (Persian, Arabic or Latin digits, grouped or not)
    and whether its check digit is right; None when the text holds no such run."""
    for run in _DIGIT_RUN.findall(to_ascii_digits(text)):
        digits = _SEPARATORS.sub("", run)
        if len(digits) == tracking.LENGTH:
            return digits, tracking.is_valid(digits)
    return None


def status_reply(*, sender: str, line: str, text: str) -> InboundReply:
    """What to text back to `sender` (stored as +989…) who sent `text` to `line`."""
    track_url = settings.SITE_URL.rstrip("/") + reverse("submissions:track")
    line_agency = (
        Agency.objects.filter(sms_line=line).exclude(sms_line="").first() if line else None
    )
    neutral_agency = line_agency.pk if line_agency else None
    found = tracking_code_in(text)
    if found is None or not found[1]:
        return InboundReply("inbound_help", {"url": track_url}, agency_id=neutral_agency)
    submission = (
        Submission.objects.select_related("service", "agency")
        .filter(tracking_code=found[0])
        .first()
    )
    if submission is None or submission.applicant_mobile != sender:
        return InboundReply("inbound_neutral", {"url": track_url}, agency_id=neutral_agency)
    return InboundReply(
        "inbound_status",
        {
            "tracking_code": submission.tracking_code,
            "service": submission.service.title,
            "status": submission.get_status_display(),
            "due_on": submission.due_on,
            "agency": submission.agency.name,
        },
        agency_id=submission.agency_id,
        reference=submission.tracking_code,
    )
