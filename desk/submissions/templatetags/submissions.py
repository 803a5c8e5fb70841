"""Template filters for requests, for pages that list many of them (the staff inbox)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from html import escape
from typing import Any

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from desk.core.templatetags.layout import url_with_code
from desk.core.templatetags.persian import filesize
from desk.lib.persian import to_persian_digits
from desk.submissions import progress
from desk.submissions.models import Status, TimelineEvent
from desk.workflow.models import StepKind

register = template.Library()

_STATUS_LABELS = dict(Status.choices)  # lazy labels: translated when rendered


def _badge(status: str, labels: dict[str, Any]) -> SafeString:
    return format_html(
        '<span class="badge status-{}">{}</span>', status, labels.get(status, status)
    )


@register.filter
def request_status(status: str) -> SafeString:
    """The request's status as a coloured badge. A filter, not an include: an inbox page shows
    seventy of them, and an include with ``get_status_display`` cost more than the row."""
    return _badge(status, _STATUS_LABELS)


# The status as staff read it: the citizen's words speak to the citizen («…از سوی شما»).
_STAFF_STATUS_LABELS = {
    **_STATUS_LABELS,
    Status.NEEDS_INFO: _("در انتظار تکمیل اطلاعات از سوی متقاضی"),
}


@register.filter
def staff_request_status(status: str) -> SafeString:
    """:func:`request_status` in staff's words."""
    return _badge(status, _STAFF_STATUS_LABELS)


# The staff inbox writes its rows in one pass: a template loop resolved a dozen variables a
# row (lookups, escaping), a third of the page's time. The rows come worked out from
# selectors.inbox_page; here they only meet their markup. Every value is escaped (the
# standard library's html.escape, which Django's escape calls) and joined with str.format:
# format_html_join's per-value conditional_escape and SafeString wrappers were a sixth of
# the page's instructions.
_INBOX_ROW = (
    '<tr{}><td><a href="{}"><bdi class="tracking-code" dir="ltr">{}</bdi></a></td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}{}</td>"
    '<td><span class="badge status-{}">{}</span>{}</td><td>{}</td></tr>'
).format
_OVERDUE_ROW = ' class="overdue table-danger"'
_LIST_ITEM = '<li><a href="{}"><bdi class="tracking-code" dir="ltr">{}</bdi></a> — {}{}</li>'.format


@functools.lru_cache(maxsize=512)
def _deadline_note(overdue: bool, days: str) -> SafeString:
    if overdue:
        return format_html(
            ' <span class="badge bg-danger">گذشته</span> <span class="small">({} روز)</span>', days
        )
    return format_html(' <span class="small text-muted">({} روز مانده)</span>', days)


@functools.lru_cache(maxsize=64)
def _note(badge: tuple[str, str] | None) -> SafeString | str:
    return format_html(' <span class="badge {}">{}</span>', *badge) if badge else ""


@functools.lru_cache(maxsize=64)
def _status_badge(status: str, label: str) -> SafeString:
    return format_html(' — <span class="badge status-{}">{}</span>', status, label)


@register.simple_tag
def inbox_rows(rows: list[Any], payment_badges: dict[int, str]) -> SafeString:
    """The inbox table's rows (``selectors.InboxRow``), with each request's payment badge."""
    return mark_safe(
        "\n".join(
            _INBOX_ROW(
                _OVERDUE_ROW if row.overdue else "",
                escape(row.url),
                escape(row.code),
                escape(row.service),
                escape(row.applicant),
                escape(row.submitted),
                escape(row.deadline),
                _deadline_note(row.overdue, row.days),
                escape(row.status),
                escape(str(row.status_label)),
                _note(row.badge),
                conditional_escape(payment_badges.get(row.pk, "")),
            )
            for row in rows
        )
    )


@register.simple_tag
def request_items(rows: list[Any], with_status: bool = False) -> SafeString:
    """The ``<li>`` of the inbox's short lists (``selectors.ListRow``)."""
    return mark_safe(
        "\n".join(
            _LIST_ITEM(
                escape(row.url),
                escape(row.code),
                escape(row.service),
                _status_badge(row.status, str(row.status_label)) if with_status else "",
            )
            for row in rows
        )
    )


@register.filter
def staff_request_url(tracking_code: str) -> str:
    """``{% url 'submissions:staff_request' code %}`` for list rows: the URL is resolved once per
    script prefix, not once per row (a hundred reversals were a tenth of the inbox's time)."""
    return url_with_code("submissions:staff_request", tracking_code)


@register.filter
def event_title(event: TimelineEvent) -> str:
    """What a timeline entry is called: the step's own words for a step change, else the kind."""
    return progress.event_title(event)


# The public lookup's timeline and «what happens next» box, written in one pass from
# progress.PublicProgress (every date and amount formatted once there); the same markup as
# includes/timeline.html and submissions/_next_step.html, which the other pages still use.
_TIMELINE_ROW = (
    '<li class="timeline-item">\n<div class="fw-semibold">{}{}</div>\n'
    '<div class="small text-muted">{}</div>\n{}</li>'
).format
_INTERNAL = mark_safe(' <span class="badge text-bg-light">داخلی</span>')
_MESSAGE = '<div class="mt-1 p-2 bg-light rounded small">{}</div>\n'.format
_AWAITS_PAYMENT = mark_safe(
    '<li class="timeline-item timeline-current" aria-current="step">\n'
    '<div class="fw-semibold">اکنون: پرداخت هزینه هنگام ثبت</div>\n'
    '<div class="small text-muted">پس از پرداخت، درخواست برای دستگاه فرستاده می‌شود.</div>\n'
    "</li>"
)
_CURRENT = (
    '<li class="timeline-item timeline-current" aria-current="step">\n'
    '<div class="fw-semibold">اکنون: {}</div>\n{}</li>'
).format
_AHEAD = (
    '<li class="timeline-item timeline-future">\n<div>{}</div>\n'
    '<div class="small text-muted">مرحله پیش رو</div>\n</li>'
).format
# The main path's last step is where the request ends; its label says what will have happened
# («انجام شد»): under «مرحله پیش رو» a reader took it for done already (templates/includes/
# timeline.html says the same).
_LAST = (
    '<li class="timeline-item timeline-future">\n<div>در پایان: {}</div>\n'
    '<div class="small text-muted">گام پایانی، پس از مرحله‌های بالا؛ نتیجه به شما پیامک'
    " می‌شود</div>\n</li>"
).format


_SUMMARY = (
    '<section class="border rounded p-3 mb-3" id="track-result">\n'
    '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
    '<div><div class="small text-muted">کد رهگیری</div>'
    '<bdi class="tracking-code" dir="ltr">{}</bdi></div>\n'
    "<div>{}{}</div>\n</div>\n"
    '<dl class="row mt-3 mb-0">\n'
    '<dt class="col-sm-5">خدمت</dt><dd class="col-sm-7">{} — {}</dd>\n'
    '<dt class="col-sm-5">زمان ثبت</dt><dd class="col-sm-7">{}</dd>\n{}'
    "</dl>\n</section>"
).format
_CURRENT_STEP = '<div class="small text-muted mt-1" id="current-step">{}</div>'.format
_DUE = '<dt class="col-sm-5">موعد پاسخ نهایی</dt><dd class="col-sm-7">{}</dd>\n'.format


# The lookup's tags below write their markup as the inbox's rows are written: every value
# escaped once with html.escape (which Django's escape calls) and joined with str.format;
# format_html's per-value conditional_escape and SafeString wrappers were a third of the
# answer's instructions. What they return is the same markup (test_public_progress).
def _lines(text: str) -> str:
    """``linebreaksbr`` (escaped), without its lazy wrappers."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


@functools.lru_cache(maxsize=64)
def _status_badge_in(status: str, language: str | None) -> str:
    # ``request_status`` translates its lazy label (a look-up of the active language) and
    # escapes it on every call; a status's badge is the same per language.
    return str(request_status(status))


@register.simple_tag
def track_summary(
    submission: Any, shown: progress.PublicProgress, language: str | None = None
) -> SafeString:
    """The lookup's answer at a glance (``#track-result``): code, status, service, dates.
    ``language``: the active one, when the caller read it already."""
    step = submission.current_step
    status = submission.status
    return mark_safe(
        _SUMMARY(
            escape(shown.code),
            _status_badge_in(status, language or get_language()),
            _CURRENT_STEP(escape(step.citizen_label))
            if status == Status.IN_REVIEW and step is not None
            else "",
            escape(submission.service.title),
            escape(submission.agency.name),
            escape(shown.submitted),
            _DUE(escape(shown.due)) if shown.due else "",
        )
    )


_DEADLINE = '<div class="small text-muted">مهلت: {}</div>\n'.format


@register.simple_tag
def public_timeline(shown: progress.PublicProgress) -> SafeString:
    """The citizen's timeline (``<ol id="progress">``): events done, where it stands, ahead."""
    parts = [
        "\n".join(
            _TIMELINE_ROW(
                escape(row.title),
                _INTERNAL if row.internal else "",
                escape(row.when),
                _MESSAGE(_lines(row.message)) if row.message else "",
            )
            for row in shown.rows
        )
    ]
    if shown.awaits_payment:
        parts.append(_AWAITS_PAYMENT)
    if shown.current:
        deadline = _DEADLINE(escape(shown.deadline)) if shown.deadline else ""
        parts.append(_CURRENT(escape(shown.current), deadline))
    *between, last = shown.ahead or [""]
    parts.extend(_AHEAD(escape(label)) for label in between)
    if shown.ahead:
        parts.append(_LAST(escape(last)))
    return mark_safe(
        '<ol class="timeline list-unstyled" id="progress">\n{}\n</ol>'.format(
            "\n".join(part for part in parts if part)
        )
    )


_NOW = '<p class="mb-2">{}</p>'.format
_FEE = '<p class="mb-2" id="fee">مبلغ: <strong>{} ریال</strong></p>'.format
_FEE_NOTE = '<p class="small mb-2">{}</p>'.format
_YOU_MUST = (
    '<div class="bg-primary-subtle rounded p-2 mb-2" id="you-must">'
    "<strong>کاری که شما باید انجام دهید:</strong> {}</div>"
).format
_STEP_DEADLINE = '<p class="mb-2">مهلت این مرحله: <strong id="step-deadline">{}</strong></p>'.format
_STEP_LINK = '<a class="btn btn-primary btn-lg-sm" id="next-step-link" href="{}">{}{}</a>'.format
_NEXT_STEP = (
    '<section class="next-step border border-2 border-primary rounded p-3 mb-4" id="next-step"'
    ' aria-labelledby="next-step-title">\n<h2 class="h5" id="next-step-title">مرحله بعد</h2>'
    "\n{}\n</section>"
).format


@register.simple_tag(takes_context=True)
def next_step_box(
    context: Mapping[str, Any] | template.Context, shown: progress.PublicProgress
) -> SafeString:
    """«What happens next» (``#next-step``) with a plain link: the box of
    submissions/_next_step.html but for the appointment step's booking link, which that
    include writes (the appointments app knows whether the request still awaits one)."""
    step: progress.NextStep = context["next_step"]
    submission = context["submission"]
    parts = [_NOW(escape(step.now))]
    if shown.fee:
        parts.append(_FEE(escape(shown.fee)))
    if step.fee_note:
        parts.append(_FEE_NOTE(escape(step.fee_note)))
    parts.append(_YOU_MUST(escape(step.todo)) if step.todo else _NOTHING_TO_DO)
    if shown.deadline:
        parts.append(_STEP_DEADLINE(escape(shown.deadline)))
    if step.link:
        user = context.get("user")
        after_sign_in = (
            context.get("signs_in")
            and not (user is not None and user.is_authenticated)
            and submission.status != Status.EXPIRED
        )
        parts.append(
            _STEP_LINK(
                escape(step.link),
                escape(str(step.link_label)),
                " (پس از ورود)" if after_sign_in else "",
            )
        )
    return mark_safe(_NEXT_STEP("\n".join(parts)))


_NOTHING_TO_DO = mark_safe(
    '<p class="mb-2" id="you-must">اکنون لازم نیست کاری انجام دهید؛ هر تغییر را پیامک می‌کنیم.</p>'
)


_FILE_KINDS = {"application/pdf": "PDF", "image/jpeg": "تصویر JPEG", "image/png": "تصویر PNG"}


@register.filter
def file_kind(content_type: str) -> str:
    """A file's kind as people call it («PDF», «تصویر JPEG»), not its MIME type."""
    return _FILE_KINDS.get(content_type, "پرونده")


# The lookup's whole answer in one pass (issue 19): the summary, the result or the rejection
# and «what happens next», the timeline, the way back. Only the appointment step's box and the
# issued documents (both decided by the apps above this one) still come from their includes.
_REJECTION = (
    '<section class="border border-2 border-danger rounded p-3 mb-4" id="rejection">'
    '<h2 class="h5">علت رد درخواست</h2><p class="mb-0">{}</p></section>'
).format
_TIMELINE_TITLE = mark_safe('<h2 class="h5">مراحل درخواست</h2>')
_ANOTHER = '<a class="btn btn-outline-secondary" href="{}">پیگیری درخواست دیگر</a>'.format


@functools.cache
def _track_url_at(script_prefix: str) -> str:
    return reverse("submissions:track")  # ``url_once``'s, with the prefix the view read


def track_answer(context: Mapping[str, Any], request: HttpRequest) -> SafeString:
    """What the public lookup shows of a request it found (``submissions/track.html``'s
    ``answer``), from the view's context; the includes of the apps above this one rendered
    as ``{% include %}`` would (with the request's context processors). ``language`` and
    ``script_prefix`` in the context: the active ones, when the view read them already (each
    read of either costs as much as writing a line of the answer)."""
    submission = context["submission"]
    shown: progress.PublicProgress = context["shown"]
    parts: list[str] = [track_summary(submission, shown, context.get("language"))]
    note = context.get("decision_note")
    step = submission.current_step
    if submission.status == Status.COMPLETED:
        parts.append(result_section(context, request))
    else:
        if submission.status == Status.REJECTED and note:
            parts.append(_REJECTION(_lines(note)))
        if step is not None and step.kind == StepKind.APPOINTMENT:
            parts.append(render_to_string("submissions/_next_step.html", context, request))
        else:
            parts.append(next_step_box(context, shown))
    parts += [_TIMELINE_TITLE, public_timeline(shown)]
    prefix = context.get("script_prefix") or get_script_prefix()
    parts.append(_ANOTHER(escape(_track_url_at(prefix))))
    return mark_safe("\n".join(parts))  # each part escaped above


_RESULT = (
    '<section class="border border-2 border-success rounded p-3 mb-4" id="result">\n'
    '<h2 class="h5">درخواست شما انجام شد؛ نتیجه را دریافت کنید</h2>\n{}{}{}</section>'
).format
_DECISION_NOTE = (
    '<div class="mb-2" id="decision-note"><div class="small text-muted">توضیح کارشناس:</div>'
    "{}</div>\n"
).format
_RESULT_FILE = (
    '<li class="mb-2"><a class="btn btn-success btn-lg-sm" href="{}">دریافت نتیجه {}{}</a>'
    ' <span class="small">(<bdi>{}</bdi>، {})</span></li>'
).format
# A UUID that no file has, in the download URL resolved once (``url_with_code``'s way).
_FILE_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


@functools.cache
def _download_url_at(script_prefix: str) -> str:
    return reverse("submissions:download", args=[_FILE_PLACEHOLDER])


def result_section(context: Mapping[str, Any], request: HttpRequest | None = None) -> SafeString:
    """The result of a completed request (``#result``): the markup of
    submissions/_result.html, which «my request» still renders, in one pass. ``results`` are
    the result files (``public_id``, ``content_type``, ``size``)."""
    note = context.get("decision_note")
    results = context.get("results") or []
    title = escape(context["submission"].service.title)
    many = len(results) > 1
    # The lookup's links carry its download proof (desk/submissions/proofs.py).
    proof = context.get("download_proof")
    query = f"?proof={proof}" if proof else ""
    url = _download_url_at(context.get("script_prefix") or get_script_prefix())
    files = "".join(
        _RESULT_FILE(
            escape(url.replace(_FILE_PLACEHOLDER, str(file.public_id), 1) + query),
            title,
            f" ({to_persian_digits(number)})" if many else "",
            escape(file_kind(file.content_type)),
            escape(filesize(file.size)),
        )
        for number, file in enumerate(results, start=1)
    )
    return mark_safe(
        _RESULT(
            _DECISION_NOTE(_lines(note)) if note else "",
            f'<ul class="list-unstyled mb-2">{files}</ul>\n' if results else "",
            ""
            if context.get("skip_documents")
            else render_to_string("delivery/_documents.html", context, request),
        )
    )
