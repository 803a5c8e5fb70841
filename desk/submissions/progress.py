"""What a citizen reads about where their request stands: what happens now, what they must do
(and where), by when, and the steps still ahead.

Every state of a request has a next step here, so that no page the citizen reaches is a dead
end (the public tracking page and «my request» show the same answer).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language, gettext

from desk.core.cache import generation_cached
from desk.core.compiled import CompiledQuery
from desk.core.templatetags.layout import url_with_code
from desk.lib import jalali, tracking
from desk.lib.persian import to_persian_digits
from desk.submissions.models import EventKind, Status, Submission
from desk.workflow.models import Action, StepKind
from desk.workflow.services import WORKFLOWS_GENERATION

# Branches a request takes only sometimes: not shown as "steps ahead".
SIDE_KINDS = (StepKind.ASK_CITIZEN, StepKind.END_REJECTED)


# The lookup's values are tuples: a frozen dataclass sets each field through
# ``object.__setattr__``, which cost more than the values themselves.
class NextStep(NamedTuple):
    """The «what happens next» box of a request."""

    now: str  # what is happening, in the citizen's words
    todo: str  # what the citizen must do; empty when nothing
    link_label: str = ""
    link: str = ""  # where they do it (a sign-in page sends them back here)
    deadline: date | None = None
    fee: int = 0  # rials, when the step is a payment and the service card states the fee
    fee_note: str = ""


def act_path(submission: Submission) -> str:
    """The page where the applicant acts on their request (sign-in, if needed, comes back).
    Resolved once per process (the public lookup shows it on most answers)."""
    return url_with_code("submissions:my_request", submission.tracking_code)


def short_link(tracking_code: str) -> str:
    """The short absolute link an SMS carries to the request's own page (``/r/<code>``)."""
    return settings.SITE_URL.rstrip("/") + reverse("short_link", args=[tracking_code])


@functools.lru_cache(maxsize=256)
def _translated(language: str | None, message: str) -> str:
    # The box's texts translated once per process and language: each ``gettext`` looks up the
    # active language in an asgiref ``Local`` (about 40–50 k instructions; the lookup's box
    # reads two to four texts). ``language`` is the active one: it keys the cache.
    return gettext(message)


def _texts(language: str | None = None) -> Callable[[str], str]:
    """``gettext`` for the active language (``language`` when the caller read it already: each
    read of it costs as much as a translation), read once (``_translated``)."""
    return functools.partial(_translated, language or get_language())


def next_step_for(submission: Submission, *, language: str | None = None) -> NextStep:
    """``language``: the active one, when the caller read it already."""
    _ = _texts(language)
    status = submission.status
    step = submission.current_step
    if status == Status.AWAITING_PAYMENT:
        return NextStep(
            now=_("درخواست شما ثبت شده، اما تا هزینه آن پرداخت نشود برای دستگاه فرستاده نمی‌شود."),
            todo=_(
                "هزینه را برخط با کارت بانکی بپردازید. پس از پرداخت، درخواست به کارتابل دستگاه"
                " می‌رود و مهلت پاسخ از همان روز شمرده می‌شود."
            ),
            link_label=_("پرداخت هزینه"),
            link=reverse("payments:request", args=[submission.tracking_code]),
        )
    if status == Status.EXPIRED:
        return NextStep(
            now=_(
                "هزینه این درخواست در مهلت پرداخت نشد، پس درخواست برای دستگاه فرستاده نشد و"
                " بسته شد. اگر در پرداخت نیمه‌کاره مبلغی از حساب شما کم شده باشد، بانک آن را خودکار"
                " برمی‌گرداند."
            ),
            todo=_(
                "اگر هنوز به این خدمت نیاز دارید، درخواست تازه‌ای ثبت کنید و هزینه را همان موقع"
                " بپردازید. پاسخ‌های این درخواست دوباره پرسیده می‌شود."
            ),
            link_label=_("درخواست دوباره این خدمت"),
            link=reverse("catalog:service_detail", args=[submission.service.slug]),
        )
    if status == Status.NEEDS_INFO:
        return NextStep(
            now=_("کارشناس برای ادامه بررسی، اطلاعات یا مدرکی از شما خواسته است."),
            todo=_("پاسخ بدهید یا مدرک خواسته‌شده را بارگذاری کنید. تا پاسخ ندهید کار جلو نمی‌رود."),
            link_label=_("پاسخ به درخواست کارشناس"),
            link=act_path(submission) + "#reply",
            deadline=submission.step_due_on,
        )
    if status == Status.COMPLETED:
        return NextStep(
            now=_("درخواست شما انجام شد و نتیجه صادر شد."),
            todo=_("نتیجه را دریافت و نگه دارید."),
            link_label=_("دریافت نتیجه"),
            link=act_path(submission) + "#result",
        )
    if status == Status.REJECTED:
        return NextStep(
            now=_("درخواست شما رد شد. علت در همین صفحه آمده است."),
            todo=_(
                "اگر با این تصمیم موافق نیستید، در مهلت اعتراض کنید تا کارشناس دیگری آن را"
                " دوباره بررسی کند."
            ),
            link_label=_("اعتراض یا شکایت"),
            # The complaints box of the request page (desk/complaints/templatetags).
            link=act_path(submission) + "#complaints-panel",
        )
    if step is not None and step.kind == StepKind.PAYMENT:
        return _payment(submission, _)
    if step is not None and step.kind == StepKind.APPOINTMENT:
        return NextStep(
            now=_("این مرحله به مراجعه حضوری نیاز دارد."),
            todo=_("نوبت حضوری بگیرید و در روز و ساعت نوبت با مدارک اصل مراجعه کنید."),
            link_label=_("نوبت‌های من"),
            link=reverse("appointments:mine"),
            deadline=submission.step_due_on,
        )
    waiting = status == Status.SUBMITTED
    return NextStep(
        now=_("درخواست شما در نوبت بررسی است.")
        if waiting
        else _("کارشناسان «%(step)s» را انجام می‌دهند.")
        % {"step": step.citizen_label if step else _("بررسی")},
        todo="",
        deadline=submission.step_due_on or submission.due_on,
    )


def _payment(submission: Submission, _: Callable[[str], str]) -> NextStep:
    # The bill itself (amount, options, the staff's reason) is the payments app's page; this
    # box only points at it (by URL name: submissions does not import the apps above it).
    return NextStep(
        now=_("درخواست شما در مرحله پرداخت هزینه است."),
        todo=_(
            "هزینه را برخط با کارت بانکی بپردازید. پس از پرداخت، درخواست خودکار به مرحله بعد"
            " می‌رود و رسید می‌گیرید."
        ),
        link_label=_("پرداخت هزینه"),
        link=reverse("payments:request", args=[submission.tracking_code]),
        deadline=submission.step_due_on,
        fee=submission.service.fee_amount,
    )


def steps_ahead(submission: Submission) -> list[str]:
    """The citizen labels of the steps still ahead on the workflow's main path (the first
    way out of each step that is neither a rejection nor a question to the citizen)."""
    step = submission.current_step
    if step is None or step.is_end or not submission.is_open:
        return []
    brought: str | bool | None = getattr(submission, "main_exits", False)
    if brought is not False:  # the lookup's query brought them (selectors._PG_MAIN_EXITS)
        assert brought is None or isinstance(brought, str)
        main_exits: dict[int, tuple[int, str]] = {}
        for source_id, target_id, label in json.loads(brought) if brought else ():
            main_exits.setdefault(source_id, (target_id, label))
    else:
        # A published version is frozen: its map is cached like the workflow's start.
        main_exits = generation_cached(
            key=f"workflow:main-exits:{step.version_id}",
            generation=WORKFLOWS_GENERATION,
            build=lambda: _main_exits(step.version_id),
        )
    labels: list[str] = []
    seen = {step.pk}
    current = main_exits.get(step.pk)
    while current is not None and current[0] not in seen:
        seen.add(current[0])
        labels.append(current[1])
        current = main_exits.get(current[0])
    return labels


def _main_exits_query(version_id: int) -> QuerySet[Action, tuple[int, int, str]]:
    return (
        Action.objects.filter(source__version_id=version_id)
        .exclude(target__kind__in=SIDE_KINDS)
        .values_list("source_id", "target_id", "target__citizen_label")
        .order_by("order", "pk")
    )


_MAIN_EXITS = CompiledQuery(_main_exits_query, (int,))  # compiled once: filled per version


def _main_exits(version_id: int) -> dict[int, tuple[int, str]]:
    """Each step's first way out along the main path: step id -> (next step id, its label)."""
    exits: dict[int, tuple[int, str]] = {}
    for source_id, target_id, label in _MAIN_EXITS.rows(version_id):
        exits.setdefault(source_id, (target_id, label))
    return exits


# --- The public page's progress, worked out once ---------------------------------------------
# The tracking lookup wrote its timeline and «what happens next» box through includes and a
# filter chain per row (Jalali, Persian digits, titles, escaping): about half of the page's
# template time. Here each value is formatted once; the template tags only put them into their
# markup (escaped) in one pass.


class TimelineRow(NamedTuple):
    """One done event of the citizen's timeline, formatted."""

    title: str
    when: str  # Jalali date and Tehran time, Persian digits
    message: str
    internal: bool  # not meant for the citizen (staff pages only)


class PublicProgress(NamedTuple):
    """The timeline and the «what happens next» box of a request, formatted for the citizen."""

    code: str  # the tracking code grouped in fours, Persian digits
    submitted: str  # Jalali date and Tehran time of filing
    due: str  # the final answer's due day, Jalali (long); "" for a request never sent
    rows: list[TimelineRow]
    awaits_payment: bool  # «now: paying at filing» (a request not yet sent to the agency)
    current: str  # the current step's citizen label, when the request is open at a step
    deadline: str  # the current step's deadline, Jalali (long), or ""
    ahead: list[str]
    fee: str  # the step's fee in rials, Persian digits with separators, or ""


class ShownEvent(Protocol):
    """What the citizen's timeline reads of an event: a ``TimelineEvent`` or the lookup's
    ``selectors.PublicEvent`` tuple."""

    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def is_public(self) -> bool: ...


def event_title(event: ShownEvent, labels: Mapping[str, str] | None = None) -> str:
    """What a timeline entry is called: the step's own words for a step change, else the kind
    (from ``labels``, the kinds' labels already translated, when given).
    (``get_kind_display`` hashes its argument on every call; a timeline shows a dozen.)"""
    if event.kind == EventKind.STEP_CHANGED and event.label:
        return event.label
    if labels is not None:
        return labels.get(event.kind, event.kind)
    return str(_EVENT_LABELS.get(event.kind, event.kind))


_EVENT_LABELS = dict(EventKind.choices)  # lazy labels: translated when read


@functools.lru_cache(maxsize=8)
def _event_labels_in(language: str | None) -> dict[str, str]:
    # Reading a lazy label translates it: a gettext each, whose look-up of the active language
    # (an asgiref Local) costs more than the rest of a timeline row. A page asks the language
    # once and reads the labels translated once per process and language.
    return {kind: str(label) for kind, label in _EVENT_LABELS.items()}


def public_progress(
    submission: Submission,
    events: Sequence[ShownEvent],
    next_step: NextStep,
    ahead: list[str],
    *,
    language: str | None = None,
) -> PublicProgress:
    """``language``: the active one, when the caller read it already."""
    current_step = submission.current_step
    never_sent = submission.status in (Status.AWAITING_PAYMENT, Status.EXPIRED)
    labels = _event_labels_in(language or get_language())
    return PublicProgress(
        code=to_persian_digits(tracking.format_code(submission.tracking_code)),
        submitted=jalali.format_datetime(submission.submitted_at),
        due="" if never_sent else jalali.format_date_long(submission.due_on),
        rows=[
            TimelineRow(
                title=event_title(event, labels),
                when=jalali.format_datetime(event.created_at),
                message=event.message,
                internal=not event.is_public,
            )
            for event in events
        ],
        awaits_payment=submission.status == Status.AWAITING_PAYMENT,
        current=current_step.citizen_label
        if current_step is not None and submission.is_open
        else "",
        deadline=jalali.format_date_long(next_step.deadline),
        ahead=ahead,
        fee=to_persian_digits(f"{next_step.fee:,}".replace(",", "٬")) if next_step.fee else "",
    )
