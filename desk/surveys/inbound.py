"""Survey answers by SMS: a citizen replies to the invitation with one digit, 1 to 5.

The inbound handler (settings.INBOUND_SMS_HANDLER). A message that is one or two digits
(Persian, Arabic or Latin) from a number with an open invitation answers its overall
question; anything else — a tracking code, a word, a number nobody invited — goes on to the
status reply of desk.submissions.inbound, so texting a tracking code works as before.
"""

from __future__ import annotations

import re

from django.utils import timezone

from desk.core.errors import ApplicationError
from desk.lib.persian import to_ascii_digits
from desk.notifications.services import InboundReply
from desk.submissions.inbound import status_reply
from desk.surveys.models import Channel, Invitation
from desk.surveys.services import invitation_open, response_save, survey_link

OVERALL = "overall"
_SCORE = re.compile(r"^\s*(\d{1,2})\s*[.!]?\s*$")


def open_invitation_of(mobile: str) -> Invitation | None:
    """The latest invitation sent to `mobile` that may still be answered or changed."""
    now = timezone.now()
    for invitation in (
        Invitation.objects.select_related("response", "service", "agency")
        .filter(mobile=mobile)
        .order_by("-created_at", "-pk")[:5]
    ):
        if invitation_open(invitation, now):
            return invitation
    return None


def reply(*, sender: str, line: str, text: str) -> InboundReply:
    match = _SCORE.match(to_ascii_digits(text))
    invitation = open_invitation_of(sender) if match else None
    if match is None or invitation is None:
        return status_reply(sender=sender, line=line, text=text)
    url = survey_link(invitation.token)
    score = int(match.group(1))
    context: dict[str, object] = {"service": invitation.service.title, "url": url}
    if not 1 <= score <= 5:
        return InboundReply("survey_sms_invalid", context, agency_id=invitation.agency_id)
    try:
        response_save(
            token=invitation.token, answers={OVERALL: score}, channel=Channel.SMS, partial=True
        )
    except ApplicationError:
        return InboundReply("survey_sms_invalid", context, agency_id=invitation.agency_id)
    return InboundReply(
        "survey_sms_thanks",
        {**context, "score": score, "agency": invitation.agency.name},
        agency_id=invitation.agency_id,
    )
