"""The one access policy: may this person see or do this?

Every view, service, selector, admin page and the notifications app asks here; no other module
compares agency ids. A staff member works for one agency and sees that agency's requests,
files, appointments and messages; an agency admin manages that agency's configuration in the
admin site; a superuser (the operator) sees every agency. Citizens see their own requests.

Oversight adds *scopes*: evaluators (staff of an oversight agency) see the figures of every
agency or of one province's, an agency's head their own agency's (``oversight_scope``).

Inquiries between agencies add *grants*: agency B may see the fields and files of agency A's
request that an inquiry shares, until B answers. The inquiries app fills them in through a
``GrantProvider`` registered here (``grant_provider_register``), so this module names no
higher app and a reader finds every source of access from this file.

This app sits below the apps whose rows it judges: they are described by the small protocols
below, never imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q
from django.http import Http404

from desk.agencies.models import Agency, OversightLevel, Role, Staff
from desk.core.compiled import CompiledQuery

# --- the things judged --------------------------------------------------------------------------


class Owned(Protocol):
    """Anything that belongs to an agency (None: national, everybody's)."""

    @property
    def agency_id(self) -> int | None: ...


class RequestLike(Protocol):
    """A citizen's request (submissions.Submission)."""

    @property
    def pk(self) -> int: ...

    @property
    def agency_id(self) -> int: ...

    @property
    def applicant_id(self) -> int: ...


class FileLike(Protocol):
    """A file of a request: an attachment or an issued document."""

    @property
    def pk(self) -> int: ...

    @property
    def submission(self) -> RequestLike: ...


class AttachmentLike(FileLike, Protocol):
    @property
    def kind(self) -> str: ...


class AppointmentLike(Protocol):
    @property
    def agency_id(self) -> int: ...

    @property
    def citizen_id(self) -> int: ...


# The attachment kind a citizen who proved a tracking code may download (the agency's result).
RESULT_KIND = "result"

# --- who is asking ------------------------------------------------------------------------------


def staff_record(user: object) -> Staff | None:
    """The signed-in user's staff record, active or not, with its agency: one query, kept on
    the user (``user.staff``) for the rest of the request. None for citizens and strangers."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return None
    if not isinstance(user, Model):  # a stand-in for a user: its own `staff`
        try:
            found: Staff | None = user.staff  # type: ignore[attr-defined]
        except Staff.DoesNotExist:
            return None
        return found
    related = user.__class__.staff.related  # type: ignore[attr-defined]  # (a lazy user too)
    if related.is_cached(user):
        cached: Staff | None = related.get_cached_value(user)
        return cached
    staff = _STAFF_WITH_AGENCY.first(user.pk)
    related.set_cached_value(user, staff)  # as `user.staff` would (None: it raises)
    if staff is not None:
        Staff.user.field.set_cached_value(staff, user)  # and `staff.user` is this user
    return staff


# Compiled once (desk/core/compiled.py): every staff page asks it first.
_STAFF_WITH_AGENCY = CompiledQuery(
    lambda user_id: Staff.objects.select_related("agency").filter(user_id=user_id), (int,)
)


def staff_for_user(user: object) -> Staff | None:
    """The active staff record of a signed-in user, or None for citizens and strangers."""
    staff = staff_record(user)
    if staff is None or not staff.is_active or not staff.agency.is_active:
        return None
    return staff


def require_staff(user: object) -> Staff:
    """The staff record, or 404: a staff page tells nobody else that it exists."""
    staff = staff_for_user(user)
    if staff is None:
        raise Http404
    return staff


def agency_for_staff(user: object) -> int | None:
    """The agency a staff member acts for; None for citizens, strangers and the deactivated."""
    staff = staff_for_user(user)
    return staff.agency_id if staff is not None else None


def administered_agency_id(user: object) -> int | None:
    """The agency whose configuration `user` manages as its agency admin, else None."""
    staff = staff_for_user(user)
    return staff.agency_id if staff is not None and staff.role == Role.ADMIN else None


def is_operator(user: object) -> bool:
    """The system's superusers: every agency's rows, national configuration."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


def is_staff_of(user: object, agency_id: int | None) -> bool:
    return agency_id is not None and agency_for_staff(user) == agency_id


def has_role(user: object, *roles: str) -> bool:
    staff = staff_for_user(user)
    return staff is not None and staff.role in roles


def may_apply(user: object) -> bool:
    """Requests and bookings are filed by citizens signed in with their national code; a staff
    account never files one for itself."""
    return bool(getattr(user, "national_code", "")) and staff_for_user(user) is None


def may_serve_at_desk(user: object) -> bool:
    """The in-person desk (desk/frontdesk): clerks and managers, and experts where their agency
    lets experts file for citizens too (``Agency.experts_file_at_desk``)."""
    staff = staff_for_user(user)
    if staff is None:
        return False
    if staff.role == Role.EXPERT:
        return staff.agency.experts_file_at_desk
    return staff.role in (Role.CLERK, Role.MANAGER)


def may_file_for(user: object, service: Owned) -> bool:
    """A desk worker files a citizen's request only for a service of their own agency."""
    return may_serve_at_desk(user) and is_staff_of(user, service.agency_id)


def _nothing() -> Q:
    return Q(pk__in=[])


def staff_rows(user: object, path: str = "agency_id") -> Q:
    """A filter for rows of the agency `user` works for (``path`` leads from the row to its
    agency's id); matches nothing for anyone who is not active staff."""
    agency_id = agency_for_staff(user)
    return Q(**{path: agency_id}) if agency_id is not None else _nothing()


# --- requests ------------------------------------------------------------------------------------


def can_view_submission(user: object, submission: RequestLike) -> bool:
    """The whole request (answers, files, timeline, staff notes): staff of its agency only."""
    return is_staff_of(user, submission.agency_id)


def can_act_on_submission(user: object, submission: RequestLike) -> bool:
    """Whether `user` may take steps on the request at all; which actions, by role and
    department, is the workflow's rule (workflow.selectors.staff_may_take)."""
    return can_view_submission(user, submission)


def can_receive_submission(assignee: object, submission: RequestLike) -> bool:
    """Whether work on the request may be given to `assignee`."""
    return is_staff_of(assignee, submission.agency_id)


def same_agency(a: Owned, b: Owned) -> bool:
    """Both belong to one agency (a service and the office that offers it)."""
    return a.agency_id is not None and a.agency_id == b.agency_id


def may_route_to(submission: RequestLike, place: Owned) -> bool:
    """A request is referred only within its agency (a department, an office)."""
    return same_agency(place, submission)


def is_applicant(user: object, submission: RequestLike) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and submission.applicant_id == getattr(
        user, "pk", None
    )


def submissions_visible_to(user: object, path: str = "agency_id") -> Q:
    """The requests whose staff pages `user` may open (see ``can_view_submission``)."""
    agency_id = submissions_agency_for(user)
    return Q(**{path: agency_id}) if agency_id is not None else _nothing()


def submissions_agency_for(user: object) -> int | None:
    """The one agency whose requests ``submissions_visible_to`` lets `user` see, as a value
    (None: none), for the compiled queries of the staff lists (the inbox), which take the
    agency as an argument instead of a filter."""
    return agency_for_staff(user)


# --- grants (inquiries) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """Agency ``agency_id`` may see, of another agency's request ``submission_id``, the form
    fields named in ``fields`` and the attachments in ``attachment_ids``; nothing else, and
    not to act on it. ``reason`` says why (the inquiry), for the citizen's data tracker."""

    agency_id: int
    submission_id: int
    fields: frozenset[str]
    attachment_ids: frozenset[int]
    reason: str


class GrantProvider(Protocol):
    """A source of grants: the inquiries app yields one per unanswered inquiry to the agency.
    A grant ends when its provider stops yielding it (the inquiry was answered or withdrawn)."""

    def grants_for(self, *, agency_id: int, submission_id: int) -> Iterable[Grant]: ...


_PROVIDERS: list[GrantProvider] = []


def grant_provider_register(provider: GrantProvider) -> None:
    """Called once from the providing app's ``AppConfig.ready``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def grant_provider_unregister(provider: GrantProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


@contextmanager
def grant_provider(provider: GrantProvider) -> Iterator[GrantProvider]:
    """Registered for the duration of a block (tests, one-off scripts)."""
    grant_provider_register(provider)
    try:
        yield provider
    finally:
        grant_provider_unregister(provider)


@dataclass(frozen=True)
class SubmissionAccess:
    """What of a request `user` may see: all of it (``full``), or the shared parts."""

    full: bool
    fields: frozenset[str] = frozenset()
    attachment_ids: frozenset[int] = frozenset()
    reasons: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.full or bool(self.fields or self.attachment_ids)

    def may_see_field(self, name: str) -> bool:
        return self.full or name in self.fields

    def may_see_attachment(self, attachment_id: int) -> bool:
        return self.full or attachment_id in self.attachment_ids


NO_ACCESS = SubmissionAccess(full=False)


def grants_to(user: object, submission: RequestLike) -> list[Grant]:
    """The open grants of `user`'s agency on another agency's request."""
    agency_id = agency_for_staff(user)
    if agency_id is None or agency_id == submission.agency_id:
        return []
    return [
        grant
        for provider in _PROVIDERS
        for grant in provider.grants_for(agency_id=agency_id, submission_id=submission.pk)
        if grant.agency_id == agency_id and grant.submission_id == submission.pk
    ]


def submission_access(user: object, submission: RequestLike) -> SubmissionAccess:
    """Everything for staff of the request's agency; the union of open grants for staff of
    another agency an inquiry asked; nothing for anyone else."""
    if can_view_submission(user, submission):
        return SubmissionAccess(full=True)
    grants = grants_to(user, submission)
    if not grants:
        return NO_ACCESS
    return SubmissionAccess(
        full=False,
        fields=frozenset().union(*(g.fields for g in grants)),
        attachment_ids=frozenset().union(*(g.attachment_ids for g in grants)),
        reasons=tuple(g.reason for g in grants),
    )


# --- files ---------------------------------------------------------------------------------------


def can_view_attachment(
    user: object, attachment: AttachmentLike, *, tracked_ids: Iterable[int] = ()
) -> bool:
    """Staff of the agency, the applicant, an agency an open inquiry shares the file with, or
    a browser that has just proved the tracking code and national code (results only)."""
    submission = attachment.submission
    if is_applicant(user, submission):
        return True
    if submission_access(user, submission).may_see_attachment(attachment.pk):
        return True
    return attachment.kind == RESULT_KIND and submission.pk in tracked_ids


def can_view_document(user: object, document: FileLike, *, tracked_ids: Iterable[int] = ()) -> bool:
    """An issued result document: staff of the agency, the applicant, or a browser that has
    proved the tracking code and national code. Inquiries never share one."""
    submission = document.submission
    return (
        can_view_submission(user, submission)
        or is_applicant(user, submission)
        or submission.pk in tracked_ids
    )


def hands_over(user: object, document: FileLike) -> bool:
    """Whether giving `document` to `user` delivers it: it does unless the agency's own staff
    are looking at it."""
    return not can_view_submission(user, document.submission)


# --- appointments --------------------------------------------------------------------------------


def can_view_appointment(user: object, appointment: AppointmentLike) -> bool:
    """A booking's desk actions (arrival, no-show, done): staff of its agency."""
    return is_staff_of(user, appointment.agency_id)


def can_change_appointment(user: object, appointment: AppointmentLike) -> bool:
    """Cancel or move a booking: the citizen who holds it, or staff of its agency."""
    holder = bool(getattr(user, "is_authenticated", False)) and appointment.citizen_id == getattr(
        user, "pk", None
    )
    return holder or can_view_appointment(user, appointment)


def can_book_at(user: object, office: Owned) -> bool:
    """A clerk books walk-ins only at their own agency's offices."""
    return is_staff_of(user, office.agency_id)


def oversight_agency(user: object) -> Agency | None:
    """Managers, agency admins and the agency's head see its capacity and breaches."""
    staff = staff_for_user(user)
    if staff is None or staff.role not in (Role.MANAGER, Role.ADMIN, Role.HEAD):
        return None
    return staff.agency


# --- oversight (KPIs, case reviews, evaluation) ------------------------------------------------

OversightLevelName = Literal["national", "provincial", "agency"]


@dataclass(frozen=True)
class OversightScope:
    """Which agencies' oversight figures a person sees, and as whom.

    Evaluators are the staff of an oversight agency (``Agency.oversight``): national oversight
    sees every agency, provincial oversight the agencies of its province. An agency head
    (``Role.HEAD``) sees their own agency's. Everyone here sees figures only; the requests
    behind a figure open only through a logged case review (``may_review_case``), read-only.
    """

    level: OversightLevelName
    own_agency_id: int  # the evaluator's oversight agency, or the head's own agency
    province: str | None = None  # a provincial evaluator's province

    @property
    def is_evaluator(self) -> bool:
        return self.level != "agency"

    @property
    def is_head(self) -> bool:
        return self.level == "agency"

    @property
    def is_national(self) -> bool:
        return self.level == "national"

    def agencies(self, path: str = "") -> Q:
        """A filter for rows whose ``path`` leads to an agency in scope (``""``: agencies)."""
        prefix = f"{path}__" if path else ""
        if self.level == "national":
            return Q()
        if self.level == "provincial":
            return Q(**{f"{prefix}province": self.province})
        return Q(**{f"{prefix}pk": self.own_agency_id})

    @property
    def agency_ids(self) -> list[int]:
        """The ids of the agencies in scope (active or not: their history stays evaluable)."""
        return list(Agency.objects.filter(self.agencies()).values_list("pk", flat=True))

    def covers_province(self, province: str) -> bool:
        """A province's page (its agencies side by side): evaluators of it, never a head."""
        if self.level == "provincial":
            return province == self.province
        return self.level == "national"

    def covers(self, *, agency_id: int, province: str) -> bool:
        """Whether the agency (with its province) is in scope, without a query."""
        if self.level == "national":
            return True
        if self.level == "provincial":
            return province == self.province
        return agency_id == self.own_agency_id


def oversight_scope(user: object) -> OversightScope | None:
    """The one rule for oversight: staff of a national oversight agency see every agency,
    of a provincial one the agencies of its province, an agency's head their own agency;
    None for everyone else (operators run the system; they do not evaluate)."""
    staff = staff_for_user(user)
    if staff is None:
        return None
    agency = staff.agency
    if agency.oversight == OversightLevel.NATIONAL:
        return OversightScope(level="national", own_agency_id=agency.pk)
    if agency.oversight == OversightLevel.PROVINCIAL:
        return OversightScope(level="provincial", own_agency_id=agency.pk, province=agency.province)
    if staff.role == Role.HEAD:
        return OversightScope(level="agency", own_agency_id=agency.pk)
    return None


def may_see_oversight(user: object, *, agency_id: int, province: str) -> bool:
    """Figures of one agency (a drill-down URL names it): only within the person's scope."""
    scope = oversight_scope(user)
    return scope is not None and scope.covers(agency_id=agency_id, province=province)


def may_review_case(user: object, *, agency_id: int, province: str) -> bool:
    """Opening a case review (a logged record with a reason) on an agency's figures, and then
    reading — never changing — the requests behind them: the same scope as the figures."""
    return may_see_oversight(user, agency_id=agency_id, province=province)


# --- letters (the secretariat) -------------------------------------------------------------------


class LetterLike(Protocol):
    """A citizen's letter to an agency (letters.Letter)."""

    @property
    def agency_id(self) -> int: ...

    @property
    def citizen_id(self) -> int: ...


# Who answers letters: everyone at the agency's desk but its configuration admin.
LETTER_ROLES = (Role.CLERK, Role.EXPERT, Role.MANAGER)


def can_view_letter(user: object, letter: LetterLike) -> bool:
    """The letter's staff page, its files and replies: staff of the agency written to."""
    return is_staff_of(user, letter.agency_id)


def can_act_on_letter(user: object, letter: LetterLike) -> bool:
    """Route, reply, turn into a request: the agency's clerks, experts and managers."""
    return can_view_letter(user, letter) and has_role(user, *LETTER_ROLES)


def can_register_letter(user: object) -> bool:
    """A paper letter handed in at the desk is registered by the agency's staff who answer
    letters, for their own agency only (the agency comes from the clerk, never the form)."""
    return has_role(user, *LETTER_ROLES)


def is_letter_writer(user: object, letter: LetterLike) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and letter.citizen_id == getattr(
        user, "pk", None
    )


def can_read_letter_file(user: object, letter: LetterLike) -> bool:
    """A letter's attachments and its replies' PDFs: the writer, or staff of the agency."""
    return is_letter_writer(user, letter) or can_view_letter(user, letter)


def letters_visible_to(user: object, path: str = "agency_id") -> Q:
    """The letters whose staff pages `user` may open (see ``can_view_letter``)."""
    return staff_rows(user, path)


def may_write_letter(user: object) -> bool:
    """A letter is written by a citizen signed in with their national code, as a request is."""
    return may_apply(user)


# --- complaints ----------------------------------------------------------------------------------


class ComplaintLike(Protocol):
    """A complaint, anonymous report or objection (complaints.Complaint)."""

    @property
    def agency_id(self) -> int: ...

    @property
    def complainant_id(self) -> int | None: ...


def handles_complaints(user: object, agency_id: int | None) -> bool:
    """The agency's complaint handlers (staff marked «رسیدگی به شکایات») and its managers, who
    are its head: overdue complaints escalate to them."""
    staff = staff_for_user(user)
    return (
        staff is not None
        and agency_id is not None
        and staff.agency_id == agency_id
        and (staff.handles_complaints or staff.role == Role.MANAGER)
    )


def complaints_visible_to(user: object, path: str = "agency_id") -> Q:
    """The complaints whose staff pages `user` may open: their agency's, for its handlers."""
    agency_id = agency_for_staff(user)
    return Q(**{path: agency_id}) if handles_complaints(user, agency_id) else _nothing()


def can_handle_complaint(user: object, complaint: ComplaintLike) -> bool:
    return handles_complaints(user, complaint.agency_id)


def is_complainant(user: object, complaint: ComplaintLike) -> bool:
    """The citizen who filed it; nobody for an anonymous report (no identity is kept)."""
    return (
        complaint.complainant_id is not None
        and bool(getattr(user, "is_authenticated", False))
        and complaint.complainant_id == getattr(user, "pk", None)
    )


@dataclass(frozen=True)
class EvaluatorScope:
    """Whose appeals and overdue complaints an evaluator sees: every province (national
    oversight) or one."""

    agency_id: int
    province: str | None  # None: the whole country

    def rows(self, path: str = "agency__province", agency_path: str = "agency_id") -> Q:
        """The agencies in scope — never the evaluator's own: an oversight body's complaints
        are its own handlers' to answer, and not for every one of its staff to read."""
        q = ~Q(**{agency_path: self.agency_id})
        return q if self.province is None else q & Q(**{path: self.province})


def evaluator_scope(user: object) -> EvaluatorScope | None:
    """The evaluators' part of ``oversight_scope`` (agency heads decide no appeals)."""
    scope = oversight_scope(user)
    if scope is None or not scope.is_evaluator:
        return None
    return EvaluatorScope(agency_id=scope.own_agency_id, province=scope.province)


def may_decide_appeal(user: object, *, agency_id: int, province: str) -> bool:
    """An appeal against an agency's answer is decided by oversight evaluators, never by the
    agency itself."""
    scope = evaluator_scope(user)
    if scope is None or scope.agency_id == agency_id:
        return False
    return scope.province is None or scope.province == province


# --- evaluation of agencies (desk/evaluation) ----------------------------------------------------


@dataclass(frozen=True)
class EvaluationScope:
    """Whose evaluations an evaluator sees and scores: every agency (``province`` None) or the
    agencies of one province; never their own agency (``own_agency_id``)."""

    province: str | None
    own_agency_id: int | None

    def rows(self, path: str = "agency") -> Q:
        q = Q() if self.province is None else Q(**{f"{path}__province": self.province})
        if self.own_agency_id is not None:
            q &= ~Q(**{f"{path}_id": self.own_agency_id})
        return q

    def covers(self, *, agency_id: int, province: str) -> bool:
        if agency_id == self.own_agency_id:
            return False
        return self.province is None or self.province == province


def evaluation_scope(user: object) -> EvaluationScope | None:
    """Evaluators exactly as ``oversight_scope`` names them — the one rule: national
    evaluators every agency, provincial evaluators the agencies of their province. Operators
    run the system and do not evaluate (they edit checklist templates in the admin, not
    cycles or scores); an agency's head is on the evaluated side (``_agency_side``)."""
    scope = oversight_scope(user)
    if scope is not None and scope.is_evaluator:
        return EvaluationScope(province=scope.province, own_agency_id=scope.own_agency_id)
    return None


def may_open_cycle(user: object) -> bool:
    """An evaluation cycle is opened by a national evaluator only."""
    scope = evaluation_scope(user)
    return scope is not None and scope.province is None


def may_see_cycle(user: object, *, province: str) -> bool:
    """A cycle's page, rankings and report: evaluators whose scope meets the cycle's (a
    provincial evaluator sees a national cycle, but only their province's agencies in it)."""
    scope = evaluation_scope(user)
    if scope is None:
        return False
    return scope.province is None or province in ("", scope.province)


# The evaluated agency's side: its admin (راهبر, who fills the self-assessment), its head and
# its managers (who read it and may object to the result).
EVALUATED_ROLES = (Role.ADMIN, Role.HEAD, Role.MANAGER)


def _agency_side(user: object, agency_id: int) -> bool:
    return is_staff_of(user, agency_id) and has_role(user, *EVALUATED_ROLES)


def assessments_visible_to(user: object, path: str = "agency") -> Q:
    """The assessments `user` may open: an evaluator's scope; the agency's own for its admin
    and managers; nothing for anyone else."""
    scope = evaluation_scope(user)
    if scope is not None:
        return scope.rows(path)
    staff = staff_for_user(user)
    if staff is not None and staff.role in EVALUATED_ROLES:
        return Q(**{f"{path}_id": staff.agency_id})
    return _nothing()


def can_view_assessment(user: object, *, agency_id: int, province: str) -> bool:
    if _agency_side(user, agency_id):
        return True
    scope = evaluation_scope(user)
    return scope is not None and scope.covers(agency_id=agency_id, province=province)


def may_fill_self_assessment(user: object, *, agency_id: int) -> bool:
    """The self-assessment is filled, and submitted, by the agency's admin (راهبر دستگاه)."""
    return administered_agency_id(user) == agency_id


def may_object_to_result(user: object, *, agency_id: int) -> bool:
    """An objection to the evaluator's result: the agency's admin, head or managers."""
    return _agency_side(user, agency_id)


def may_score(user: object, *, agency_id: int, province: str) -> bool:
    """Scoring, asking for more evidence, finalizing, deciding an objection: evaluators whose
    scope covers the agency, never the agency's own staff."""
    scope = evaluation_scope(user)
    return scope is not None and scope.covers(agency_id=agency_id, province=province)


def may_read_evidence(user: object, *, agency_id: int, province: str) -> bool:
    """An assessment's uploaded evidence: whoever may open the assessment."""
    return can_view_assessment(user, agency_id=agency_id, province=province)


# --- satisfaction surveys ------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyScope:
    """Whose survey results a person sees: one agency's, or every agency's (operators, and
    oversight when it comes); and whether they may read the citizens' free-text answers."""

    agency_id: int | None
    may_read_comments: bool

    @property
    def agency_ids(self) -> list[int] | None:
        return None if self.agency_id is None else [self.agency_id]


def survey_results_scope(user: object) -> SurveyScope | None:
    """Managers, agency admins and the agency's head see their agency's results; only its
    managers and head read the free text (citizens write it for the people who run the
    agency). Operators see every agency's figures, never the free text. None for anyone
    else."""
    staff = staff_for_user(user)
    if staff is not None:
        if staff.role not in (Role.MANAGER, Role.ADMIN, Role.HEAD):
            return None
        return SurveyScope(
            agency_id=staff.agency_id, may_read_comments=staff.role in (Role.MANAGER, Role.HEAD)
        )
    if is_operator(user):
        return SurveyScope(agency_id=None, may_read_comments=False)
    return None


def may_read_survey_comments(user: object, agency_id: int) -> bool:
    """The free-text answers about agency ``agency_id``: its managers and its head only."""
    return has_role(user, Role.MANAGER, Role.HEAD) and is_staff_of(user, agency_id)


# --- messages (notifications) --------------------------------------------------------------------


@dataclass(frozen=True)
class MessageScope:
    """Whose messages and texts a person sees: one agency's, or every agency's (operators)."""

    agency_id: int | None
    may_edit_templates: bool

    @property
    def everything(self) -> bool:
        return self.agency_id is None


def message_scope(user: object) -> MessageScope | None:
    """Staff see their agency's outbox; its admin edits its texts; an operator (a superuser
    without a staff record) sees all and edits the defaults; None for anyone else."""
    staff = staff_for_user(user)
    if staff is not None:
        return MessageScope(agency_id=staff.agency_id, may_edit_templates=staff.role == Role.ADMIN)
    if is_operator(user):
        return MessageScope(agency_id=None, may_edit_templates=True)
    return None


# --- configuration (the admin site) --------------------------------------------------------------

AdminAction = Literal["view", "add", "change", "delete"]
ALL: frozenset[AdminAction] = frozenset({"view", "add", "change", "delete"})
READ: frozenset[AdminAction] = frozenset({"view"})

# What an agency admin's job needs, on their own agency's rows only: the services with their
# forms; workflows with steps, actions, departments and positions; calendars and closures;
# offices and slots; the overdue rule. (SMS texts are edited on the staff message pages.)
# Anything not listed here is the operator's.
AGENCY_ADMIN_PERMISSIONS: dict[str, frozenset[AdminAction]] = {
    "catalog.service": ALL,
    "catalog.servicestep": ALL,
    "catalog.requireddocument": ALL,
    "catalog.regulation": ALL,
    "catalog.faq": ALL,
    "catalog.formfield": ALL,
    "workflow.workflowversion": frozenset({"view", "add", "change"}),
    "workflow.step": ALL,
    "workflow.action": ALL,
    "workflow.department": ALL,
    "workflow.position": ALL,
    "workflow.escalationrule": ALL,
    "calendars.weeklydaysoff": ALL,
    "calendars.officehours": ALL,
    "calendars.closure": frozenset({"view", "add", "delete"}),
    "appointments.office": ALL,
    "appointments.policy": ALL,
    "appointments.slottemplate": ALL,
    "appointments.slotexception": ALL,
    "appointments.appointment": READ,
    "appointments.breach": READ,
    "payments.servicefee": ALL,
    "payments.feeoption": ALL,
    "payments.gatewayaccount": frozenset({"view", "add", "change"}),
    "payments.payment": READ,
    "payments.paymentevent": READ,
    "letters.register": frozenset({"view", "add", "change"}),
    "complaints.complaintpolicy": frozenset({"view", "add", "change"}),
    "surveys.servicesurvey": ALL,
    "inquiries.inquiryrule": ALL,
    # Keys are revoked, never deleted: the audit log and the delivery log keep naming them.
    "integrations.apikey": frozenset({"view", "add", "change"}),
    # Endpoints are switched off, not deleted (their delivery log goes with them); the log is
    # read-only, "change" being its «send again» action.
    "integrations.webhookendpoint": frozenset({"view", "add", "change"}),
    "integrations.webhookdelivery": frozenset({"view", "change"}),
    "integrations.webhookattempt": READ,
}


def admin_may(user: object, action: AdminAction, model_label: str) -> bool:
    """May `user` take `action` on rows of the model in the admin site at all (which rows is
    ``admin_rows``): operators everything, agency admins their job's set."""
    if is_operator(user):
        return True
    if administered_agency_id(user) is None:
        return False
    return action in AGENCY_ADMIN_PERMISSIONS.get(model_label.lower(), frozenset())


def admin_rows(user: object, path: str) -> Q | None:
    """The admin rows `user` may reach: None for every row (operators), else the rows whose
    ``path`` leads to their agency (nothing for anyone else)."""
    if is_operator(user):
        return None
    agency_id = administered_agency_id(user)
    return Q(**{path: agency_id}) if agency_id is not None else _nothing()


def admin_may_touch(user: object, owner_agency_id: int | None) -> bool:
    """A row owned by ``owner_agency_id`` (None: national): operators any, an agency admin
    only their own."""
    if is_operator(user):
        return True
    return owner_agency_id is not None and administered_agency_id(user) == owner_agency_id


# --- agencies' API keys (desk/integrations, read through desk/api) -----------------------------


class KeyLike(Protocol):
    """An agency's API key: the agency it speaks for and the scopes it was given."""

    agency_id: int

    def has_scope(self, scope: str) -> bool: ...


def key_has_scope(key: object, scope: str) -> bool:
    """Whether ``key`` is an agency key holding ``scope`` (anything else holds none)."""
    has_scope = getattr(key, "has_scope", None)
    return getattr(key, "agency_id", None) is not None and callable(has_scope) and has_scope(scope)


def key_rows(key: object, path: str = "agency_id") -> Q:
    """Rows of the key's own agency: a key never reads another agency's requests."""
    agency_id = getattr(key, "agency_id", None)
    return Q(**{path: agency_id}) if agency_id is not None else _nothing()


def key_may_file_for(key: object, service: Owned) -> bool:
    """A key files requests on a citizen's behalf only for its own agency's services."""
    return key_has_scope(key, "requests:file") and getattr(key, "agency_id", None) == (
        service.agency_id
    )
