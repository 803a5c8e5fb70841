"""Reads of the surveys app: a citizen's invitation, and the results — aggregated in SQL.

``satisfaction(agency_ids, period, group_by=...)`` is the one entry point for every report
(the staff results page, oversight later): one GROUP BY over responses and one over
invitations, both on the indexed (agency, year, month) columns, merged into rows with the
response rate, the mean of each axis and the share who felt the need for connections. With
``rolled=True`` it reads the daily rollup instead (``ResultDay``, desk/surveys/rollup.py): one
GROUP BY over far fewer rows, as of the last run (``last_rollup``). The results page reads the
rollup; the red-flag check reads live rows. ``question_breakdown`` reads the rollup per question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.lib import jalali
from desk.lib.persian import to_persian_digits
from desk.submissions.models import Submission
from desk.surveys.models import (
    AXES,
    Axis,
    Invitation,
    Question,
    QuestionDay,
    RedFlag,
    Response,
    ResultDay,
    RollupRun,
)

PeriodKind = Literal["month", "quarter", "year"]
GroupBy = Literal["service", "agency", "province", "month", "none"]
_QUARTER_NAMES = ("بهار", "تابستان", "پاییز", "زمستان")


@dataclass(frozen=True)
class Period:
    """A Jalali month (number 1–12), quarter (1–4) or year (number ignored)."""

    kind: PeriodKind
    year: int
    number: int = 0

    @property
    def months(self) -> tuple[int, ...]:
        if self.kind == "month":
            return (self.number,)
        if self.kind == "quarter":
            return tuple(range(3 * self.number - 2, 3 * self.number + 1))
        return tuple(range(1, 13))

    @property
    def label(self) -> str:
        year = to_persian_digits(self.year)
        if self.kind == "month":
            return f"{jalali.month_name(self.number)} {year}"
        if self.kind == "quarter":
            return f"{_QUARTER_NAMES[self.number - 1]} {year}"
        return f"سال {year}"

    @classmethod
    def from_code(cls, year: int, code: str) -> Period:
        """The forms' period choices: «y», «q1»…«q4», «m1»…«m12»."""
        if code.startswith("q"):
            return cls("quarter", year, int(code[1:]))
        if code.startswith("m"):
            return cls("month", year, int(code[1:]))
        return cls("year", year)

    def filter(self) -> Q:
        q = Q(year=self.year)
        return q if self.kind == "year" else q & Q(month__in=self.months)


@dataclass
class SatisfactionRow:
    key: object
    label: str
    invited: int = 0
    responses: int = 0
    axes: dict[str, float | None] = field(default_factory=dict)
    red_flag_answered: int = 0
    red_flag_count: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.invited if self.invited else None

    @property
    def red_flag_share(self) -> float | None:
        return self.red_flag_count / self.red_flag_answered if self.red_flag_answered else None

    def axis_list(self) -> list[tuple[str, float | None]]:
        return [(axis, self.axes.get(axis)) for axis in AXES]


_GROUP_COLUMN = {
    "service": "service_id",
    "agency": "agency_id",
    "province": "province",
    "month": "month",
    "none": None,
}


def _scoped(
    rows: QuerySet[Any],
    agency_ids: Iterable[int] | None,
    period: Period,
    service_id: int | None,
    province: str,
) -> QuerySet[Any]:
    rows = rows.filter(period.filter())
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if province:
        rows = rows.filter(province=province)
    return rows


def satisfaction(
    agency_ids: Iterable[int] | None,
    period: Period,
    *,
    group_by: GroupBy = "service",
    service_id: int | None = None,
    province: str = "",
    rolled: bool = False,
) -> list[SatisfactionRow]:
    """Results per service, agency, province or month of ``period`` (``"none"``: one row
    for all), for the given agencies (None: every agency — the caller has asked the access
    policy). Axis scores are means (1–5) of each response's mean on that axis. ``rolled``:
    from the daily rollup, as of its last run."""
    agency_ids = list(agency_ids) if agency_ids is not None else None
    column = _GROUP_COLUMN[group_by]
    if rolled:
        answered = _rolled(agency_ids, period, service_id, province, column)
        invited = answered
    else:
        answered, invited = _live(agency_ids, period, service_id, province, column)
    rows: dict[object, SatisfactionRow] = {}
    for item in invited:
        key = item[column]
        rows[key] = SatisfactionRow(key=key, label="", invited=item["invited"] or 0)
    for item in answered:
        key = item[column]
        row = rows.setdefault(key, SatisfactionRow(key=key, label=""))
        row.responses = item["n"] or 0
        row.red_flag_answered = item["flag_answered"] or 0
        row.red_flag_count = item["flag_count"] or 0
        row.axes = {axis: item[axis] for axis in AXES}
    _label(rows, group_by, period)
    return sorted(rows.values(), key=lambda r: r.label if group_by != "month" else r.key)  # type: ignore[return-value,arg-type]


def _live(
    agency_ids: list[int] | None,
    period: Period,
    service_id: int | None,
    province: str,
    column: str | None,
) -> tuple[list[dict[Any, Any]], list[dict[Any, Any]]]:
    measures = {
        "n": Count("pk"),
        "flag_answered": Count("red_flag"),
        "flag_count": Count("pk", filter=Q(red_flag=True)),
        **{axis: Avg(axis) for axis in AXES},
    }
    responses = _scoped(Response.objects.all(), agency_ids, period, service_id, province)
    invitations = _scoped(Invitation.objects.all(), agency_ids, period, service_id, province)
    if column:
        answered = list(responses.values(column).annotate(**measures).order_by())
        invited = list(invitations.values(column).annotate(invited=Count("pk")).order_by())
    else:
        answered = [{**responses.aggregate(**measures), column: None}]
        invited = [{**invitations.aggregate(invited=Count("pk")), column: None}]
    return answered, invited


def _rolled(
    agency_ids: list[int] | None,
    period: Period,
    service_id: int | None,
    province: str,
    column: str | None,
) -> list[dict[Any, Any]]:
    sums = {
        "invited": Sum("invited"),
        "n": Sum("responses"),
        "flag_answered": Sum("flag_answered"),
        "flag_count": Sum("flag_count"),
    }
    for axis in AXES:
        sums[f"{axis}_sum"] = Sum(f"{axis}_sum")
        sums[f"{axis}_n"] = Sum(f"{axis}_n")
    rows = _scoped(ResultDay.objects.all(), agency_ids, period, service_id, province)
    if column:
        found = list(rows.values(column).annotate(**sums).order_by())
    else:
        found = [{**rows.aggregate(**sums), column: None}]
    for item in found:
        for axis in AXES:
            n = item.pop(f"{axis}_n") or 0
            total = item.pop(f"{axis}_sum") or 0
            item[axis] = total / n if n else None
    return found


def last_rollup() -> RollupRun | None:
    return RollupRun.objects.order_by("-started_at").first()


@dataclass
class QuestionRow:
    text: str
    axis: str
    answered: int
    mean: float | None
    shares: list[tuple[int, float | None]]  # (score, share of the answered) for 5…1
    not_applicable: int


def question_breakdown(
    agency_ids: Iterable[int] | None, period: Period, *, service_id: int | None = None
) -> list[QuestionRow]:
    """Each scale question's mean and spread of scores in ``period``, from the rollup. The
    versions of a form share their questions' keys: a question is counted across versions
    under the text of its newest one."""
    counts = [f"score_{n}" for n in range(1, 6)]
    rows = _scoped(
        QuestionDay.objects.all(),
        list(agency_ids) if agency_ids is not None else None,
        period,
        service_id,
        "",
    )
    found = rows.values("question_id").annotate(
        answered_sum=Sum("answered"),
        total=Sum("score_sum"),
        na=Sum("not_applicable"),
        **{f"{c}_sum": Sum(c) for c in counts},
    )
    by_id = {item["question_id"]: item for item in found.order_by()}
    questions = Question.objects.filter(pk__in=by_id).select_related("version__form")
    merged: dict[tuple[int, str], dict[str, Any]] = {}
    for question in sorted(questions, key=lambda q: (q.version.number, q.pk)):
        item = by_id[question.pk]
        key = (question.version.form_id, question.key)
        into = merged.setdefault(
            key, {"answered": 0, "total": 0, "na": 0, **dict.fromkeys(counts, 0)}
        )
        into.update(
            text=question.text,
            axis=question.get_axis_display(),
            order=(question.version.form_id, question.order),
        )
        into["answered"] += item["answered_sum"] or 0
        into["total"] += item["total"] or 0
        into["na"] += item["na"] or 0
        for c in counts:
            into[c] += item[f"{c}_sum"] or 0
    result = []
    for into in sorted(merged.values(), key=lambda m: m["order"]):
        answered = into["answered"]
        result.append(
            QuestionRow(
                text=into["text"],
                axis=into["axis"],
                answered=answered,
                mean=into["total"] / answered if answered else None,
                shares=[
                    (n, into[f"score_{n}"] / answered if answered else None)
                    for n in range(5, 0, -1)
                ],
                not_applicable=into["na"],
            )
        )
    return result


def _label(rows: dict[object, SatisfactionRow], group_by: GroupBy, period: Period) -> None:
    names: dict[object, str] = {}
    if group_by == "service":
        names = dict(
            Service.objects.filter(pk__in=[k for k in rows if isinstance(k, int)]).values_list(
                "pk", "title"
            )
        )
    elif group_by == "agency":
        names = dict(
            Agency.objects.filter(pk__in=[k for k in rows if isinstance(k, int)]).values_list(
                "pk", "name"
            )
        )
    for key, row in rows.items():
        if group_by == "month":
            row.label = f"{jalali.month_name(int(key))} {to_persian_digits(period.year)}"  # type: ignore[call-overload]
        elif group_by == "province":
            row.label = str(key or "—")
        elif group_by == "none":
            row.label = period.label
        else:
            row.label = names.get(key, "—")


def axis_labels() -> list[tuple[str, str]]:
    return [(axis.value, str(axis.label)) for axis in Axis]


def comments(
    agency_id: int, period: Period, *, service_id: int | None = None
) -> QuerySet[Response]:
    """Free-text answers of one agency in ``period``, newest first (ask
    ``access.may_read_survey_comments`` before showing them)."""
    rows = Response.objects.filter(period.filter(), agency_id=agency_id).exclude(comment="")
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    return (
        rows.select_related("service")
        .only("comment", "submitted_at", "overall", "service__title")
        .order_by("-submitted_at", "-pk")
    )


def red_flags(
    agency_ids: Iterable[int] | None = None, *, year: int | None = None
) -> QuerySet[RedFlag]:
    """Months in which agencies passed the connections threshold (for managers and oversight)."""
    rows = RedFlag.objects.select_related("agency")
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=list(agency_ids))
    if year is not None:
        rows = rows.filter(year=year)
    return rows


# --- a citizen's invitation ----------------------------------------------------------------------


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related(
            "submission", "service", "agency", "form_version", "response"
        )
        .filter(token=token)
        .first()
    )


def invitation_of(submission: Submission) -> Invitation | None:
    return Invitation.objects.select_related("response").filter(submission_id=submission.pk).first()
