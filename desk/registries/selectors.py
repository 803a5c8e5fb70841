"""Reading the log of calls to national systems."""

from __future__ import annotations

from desk.registries.models import AdapterCall


def calls_for_submission(submission_id: int) -> list[AdapterCall]:
    """Every national-system call made for one request, oldest first: what the citizen's
    «who looked at my data» page lists (which system, why, when, with what result)."""
    return list(
        AdapterCall.objects.filter(submission_id=submission_id).order_by("created_at", "pk")
    )
