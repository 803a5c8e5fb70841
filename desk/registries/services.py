"""Writing the log of national-system calls: one function, insert only."""

from __future__ import annotations

from django.utils import timezone

from desk.registries.models import AdapterCall


def adapter_call_record(
    *,
    adapter: str,
    purpose: str,
    status: str,
    reference: str = "",
    latency_ms: int = 0,
    cached: bool = False,
    submission_id: int | None = None,
    user_id: int | None = None,
) -> AdapterCall:
    """Append one row to the log. There is no update or delete: the log is append-only (the
    database refuses both), and a call is recorded whether it answered or not."""
    return AdapterCall.objects.create(
        adapter=adapter,
        purpose=purpose[:200],
        status=status,
        reference=reference[:100],
        latency_ms=max(0, int(latency_ms)),
        cached=cached,
        submission_id=submission_id,
        user_id=user_id,
        created_at=timezone.now(),
    )
