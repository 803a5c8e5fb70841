"""Inquiries as grants of the one access policy: an open inquiry lets the asked agency see
the fields and files it shares, and nothing else; answered, declined or withdrawn, nothing."""

from __future__ import annotations

from collections.abc import Iterable

from desk.agencies.access import Grant
from desk.inquiries.models import Inquiry, State


class InquiryGrants:
    def grants_for(self, *, agency_id: int, submission_id: int) -> Iterable[Grant]:
        rows = Inquiry.objects.filter(
            to_agency_id=agency_id, submission_id=submission_id, state=State.SENT
        ).values_list("fields", "attachment_ids", "question")
        for fields, attachment_ids, question in rows:
            yield Grant(
                agency_id=agency_id,
                submission_id=submission_id,
                fields=frozenset(fields),
                attachment_ids=frozenset(attachment_ids),
                reason=question,
            )


GRANTS = InquiryGrants()
