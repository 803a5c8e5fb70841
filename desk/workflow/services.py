"""Defining, checking, versioning and publishing workflows."""

from __future__ import annotations

from collections import deque
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role
from desk.catalog.models import Service
from desk.core.cache import WORKFLOWS_GENERATION, generation_bump, generation_cached
from desk.core.errors import ApplicationError
from desk.workflow.models import (
    Action,
    Department,
    Step,
    StepKind,
    Workflow,
    WorkflowVersion,
)

# Bumped whenever a version is published (see workflows_changed). A published version is
# frozen, and the admin cannot delete one (its steps are out of its reach).


def workflows_changed() -> None:
    """Forget the cached start of every service's workflow (see ``workflow_start``)."""
    generation_bump(WORKFLOWS_GENERATION)


def workflow_check(version: WorkflowVersion) -> list[str]:
    """Problems that make a version unusable, in Persian; an empty list means it is sound.

    One start; every step reachable from it; an end reachable from every step; ends have no
    way out and other steps at least one; every action stays inside the version.
    """
    steps = {s.pk: s for s in version.steps.select_related("department")}
    actions = list(Action.objects.filter(source__version=version))
    problems: list[str] = []
    service = version.workflow.service
    for step in steps.values():
        if step.department is not None and not access.same_agency(step.department, service):
            problems.append(
                _("واحد مرحله «%(s)s» از دستگاه دیگری است.") % {"s": step}  # never routed there
            )
    starts = [s for s in steps.values() if s.is_start]
    if len(starts) != 1:
        problems.append(_("گردش کار باید دقیقاً یک مرحله آغاز داشته باشد."))
    if not any(s.is_end for s in steps.values()):
        problems.append(_("گردش کار دست‌کم یک مرحله پایانی لازم دارد."))
    outgoing: dict[int, list[int]] = {pk: [] for pk in steps}
    incoming: dict[int, list[int]] = {pk: [] for pk in steps}
    for action in actions:
        if action.target_id not in steps:
            problems.append(
                _("اقدام «%(a)s» به مرحله‌ای بیرون از این نسخه می‌رود.") % {"a": action.label}
            )
            continue
        outgoing[action.source_id].append(action.target_id)
        incoming[action.target_id].append(action.source_id)
    for step in steps.values():
        if step.is_end and outgoing[step.pk]:
            problems.append(_("مرحله پایانی «%(s)s» نباید اقدامی داشته باشد.") % {"s": step})
        if not step.is_end and not outgoing[step.pk]:
            problems.append(_("مرحله «%(s)s» هیچ اقدامی برای خروج ندارد.") % {"s": step})
        if not step.is_end and step.kind != StepKind.ASK_CITIZEN and not step.role:
            problems.append(_("برای مرحله «%(s)s» نقش اقدام‌کننده را تعیین کنید.") % {"s": step})
    if len(starts) == 1:
        reached = _walk(starts[0].pk, outgoing)
        for pk in steps.keys() - reached:
            problems.append(_("مرحله «%(s)s» از آغاز گردش کار در دسترس نیست.") % {"s": steps[pk]})
    ends = {pk for pk, s in steps.items() if s.is_end}
    can_finish: set[int] = set()
    for end in ends:
        can_finish |= _walk(end, incoming)
    for pk in steps.keys() - can_finish:
        problems.append(_("از مرحله «%(s)s» راهی به پایان نیست.") % {"s": steps[pk]})
    return problems


def _walk(start: int, edges: dict[int, list[int]]) -> set[int]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


@transaction.atomic
def workflow_publish(*, version: WorkflowVersion, actor: User | None = None) -> WorkflowVersion:
    problems = workflow_check(version)
    if problems:
        raise ApplicationError(" ".join(problems))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    workflows_changed()
    return version


@transaction.atomic
def workflow_new_version(
    *, workflow: Workflow, actor: User | None = None, note: str = ""
) -> WorkflowVersion:
    """A draft copy of the newest version, to edit without touching running requests."""
    latest = workflow.versions.order_by("-number").first()
    number = (workflow.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = WorkflowVersion.objects.create(
        workflow=workflow, number=number, created_by=actor, note=note
    )
    if latest is None:
        return draft
    mapping: dict[int, Step] = {}
    for step in latest.steps.all():
        old_pk = step.pk
        step.pk = None
        step.version = draft
        step.save()
        mapping[old_pk] = step
    for action in Action.objects.filter(source__version=latest):
        action.pk = None
        action.source = mapping[action.source_id]
        action.target = mapping[action.target_id]
        action.save()
    return draft


@transaction.atomic
def workflow_draft_create(*, service: Service, actor: User, note: str = "") -> WorkflowVersion:
    """A draft version to edit in the admin: an empty one for a service without a workflow,
    else a copy of the newest version. Only the service's agency admin (or an operator)."""
    if not access.admin_may_touch(actor, service.agency_id):
        raise ApplicationError(_("شما اجازه ویرایش گردش کار این خدمت را ندارید."))
    workflow, _created = Workflow.objects.get_or_create(service=service)
    return workflow_new_version(workflow=workflow, actor=actor, note=note)


@transaction.atomic
def workflow_define(
    *,
    service: Service,
    steps: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    actor: User | None = None,
    note: str = "",
) -> WorkflowVersion:
    """Create and publish a new version from plain data (demo data, tests, imports).

    steps: dicts of Step fields, with `department` given as a department name of the agency.
    actions: dicts with `source` and `target` step keys plus Action fields.
    """
    # By its id: a workflow made here would otherwise be cached on `service` (the reverse of a
    # one-to-one), which may be the card every request of the process shares
    # (catalog.selectors.service_for_apply).
    workflow, _created = Workflow.objects.get_or_create(service_id=service.pk)
    number = (workflow.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = WorkflowVersion.objects.create(
        workflow=workflow, number=number, created_by=actor, note=note
    )
    by_key: dict[str, Step] = {}
    for order, spec in enumerate(steps):
        fields = dict(spec)
        department_name = fields.pop("department", None)
        if department_name:
            fields["department"], _c = Department.objects.get_or_create(
                agency_id=service.agency_id, name=department_name
            )
        by_key[fields["key"]] = Step.objects.create(version=version, order=order, **fields)
    for order, spec in enumerate(actions):
        fields = dict(spec)
        source = by_key[fields.pop("source")]
        target = by_key[fields.pop("target")]
        Action.objects.create(source=source, target=target, order=order, **fields)
    return workflow_publish(version=version, actor=actor)


def default_workflow_steps() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The path every service has until its agency defines its own: review, with the
    citizen asked for more when needed, then completion or rejection."""
    return _default_steps(), _default_actions()


def _default_steps() -> list[dict[str, Any]]:
    return [
        {
            "key": "review",
            "kind": StepKind.REVIEW,
            "is_start": True,
            "citizen_label": "در حال بررسی",
            "staff_label": "بررسی درخواست",
            "role": Role.EXPERT,
        },
        {
            "key": "ask",
            "kind": StepKind.ASK_CITIZEN,
            "citizen_label": "در انتظار تکمیل اطلاعات از سوی شما",
            "staff_label": "در انتظار پاسخ متقاضی",
            "role": Role.EXPERT,
        },
        {
            "key": "done",
            "kind": StepKind.END_COMPLETED,
            "citizen_label": "انجام شد",
            "staff_label": "انجام‌شده",
        },
        {
            "key": "rejected",
            "kind": StepKind.END_REJECTED,
            "citizen_label": "رد شد",
            "staff_label": "ردشده",
        },
    ]


def _default_actions() -> list[dict[str, Any]]:
    deciders = [Role.EXPERT, Role.MANAGER]
    return [
        {
            "source": "review",
            "target": "ask",
            "key": "request_info",
            "label": "درخواست اطلاعات بیشتر",
            "roles": deciders,
            "needs_message": True,
        },
        {
            "source": "review",
            "target": "rejected",
            "key": "reject",
            "label": "رد درخواست",
            "roles": deciders,
            "needs_message": True,
        },
        {
            "source": "review",
            "target": "done",
            "key": "complete",
            "label": "انجام و صدور نتیجه",
            "roles": deciders,
            "needs_result": True,
        },
        {
            "source": "ask",
            "target": "review",
            "key": "provide_info",
            "label": "ارسال اطلاعات تکمیلی",
            "by_citizen": True,
        },
    ]


def workflow_for_new_request(service: Service) -> WorkflowVersion:
    """The version a new request starts on: the newest published one, or the default path."""
    version = (
        WorkflowVersion.objects.filter(workflow__service=service, published_at__isnull=False)
        .order_by("-number")
        .first()
    )
    if version is not None:
        return version
    steps, actions = default_workflow_steps()
    return workflow_define(service=service, steps=steps, actions=actions, note="مسیر پیش‌فرض")


def workflow_start(service: Service) -> tuple[WorkflowVersion, Step]:
    """Where a new request starts: the version of ``workflow_for_new_request`` and its start
    step. Every submission needs them and a published version is frozen, so they are cached
    per service until another version is published."""

    def build() -> tuple[WorkflowVersion, Step]:
        version = workflow_for_new_request(service)
        return version, version.steps.get(is_start=True)

    return generation_cached(
        key=f"workflow:start:{service.pk}", generation=WORKFLOWS_GENERATION, build=build
    )
