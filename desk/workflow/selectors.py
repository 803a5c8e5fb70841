"""Who may act where: the rules that the inbox and the transition service share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import F, Func, IntegerField, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull, Lookup

from desk.agencies import access
from desk.agencies.models import Role, Staff
from desk.core.compiled import CompiledQuery
from desk.workflow.models import Action, Position, Step


def staff_roles_at(staff: Staff, department_id: int | None) -> set[str]:
    """The roles `staff` holds for work routed to `department_id` (None: no department)."""
    roles = {staff.role}
    if department_id is not None:
        roles = {p.role for p in staff.positions.all() if p.department_id == department_id}
        if staff.role in (Role.MANAGER, Role.ADMIN):
            roles.add(staff.role)
    return roles


def staff_may_take(
    staff: Staff, action: Action, *, department_id: int | None, assigned_to_id: int | None
) -> bool:
    if action.by_citizen:
        return False
    # Assigned work is the assignee's; a manager may still act on it.
    if (
        assigned_to_id is not None
        and assigned_to_id != staff.user_id
        and staff.role != Role.MANAGER
    ):
        return False
    return bool(staff_roles_at(staff, department_id) & action.allowed_roles())


def inbox_filter(staff: Staff) -> Q:
    """Requests of the staff member's agency that their roles and departments can act on."""
    own_agency = access.submissions_visible_to(staff.user)
    if staff.role == Role.MANAGER:
        return own_agency
    return own_agency & routed_to(
        user_id=staff.user_id,
        agency_id=staff.agency_id,
        role=staff.role,
        positions=staff_positions(staff),
    )


def staff_positions(staff: Staff) -> list[tuple[int, str]]:
    """(department id, role) of each of the staff member's positions."""
    prefetched = getattr(staff, "_prefetched_objects_cache", {}).get("positions")
    if prefetched is not None:
        return [(p.department_id, p.role) for p in prefetched]
    # Compiled once per process: the inbox asks on every page, and the ORM building this
    # one-table query again cost more than sending it.
    return [(department_id, role) for department_id, role in _POSITIONS.rows(staff.pk)]


def _positions_query(staff_id: int) -> QuerySet[Position, Any]:
    return Position.objects.filter(staff_id=staff_id).values_list("department_id", "role")


_POSITIONS = CompiledQuery(_positions_query, (int,))


def routed_to(
    *, user_id: int, agency_id: int, role: str, positions: Sequence[tuple[int, str]]
) -> Q:
    """What a staff member who is not the manager acts on, within agency ``agency_id``: the
    requests assigned to them, and the unassigned ones at a step of their role (their own
    role where no department is set, their position's role in each of their departments).
    Taking plain values, so that a query built from it can be compiled once
    (submissions.selectors.inbox_page)."""
    # Each branch on the request's own columns (the step's role through a subquery, not a
    # join), so that the database reads each from its index (desk/submissions: inbox indexes).
    mine = Q(assigned_to_id=user_id)
    routed = Q(department__isnull=True, current_step__in=_steps_for(role, agency_id))
    for department_id, position_role in positions:
        routed |= Q(
            department_id=department_id,
            current_step__in=_steps_for(position_role, agency_id),
        )
    return mine | (_unassigned() & routed)


def routed_branches(
    *, user_id: int, agency_id: int, role: str, positions: Sequence[tuple[int, str]]
) -> list[Q]:
    """``routed_to`` as the list of its branches, whose OR it is: the requests assigned to the
    staff member, the unassigned ones without a department at a step of their role, and the
    unassigned ones of each position's department at a step of that position's role. Each is
    one range of a partial inbox index (assignee, department) in the inbox's order, so that a
    page can be read as the union of each branch's first rows (submissions.selectors). Two
    positions in one department may overlap: a union that keeps each row once is exact."""
    unassigned = Q(assigned_to__isnull=True)
    branches = [
        Q(assigned_to_id=user_id),
        unassigned & Q(department__isnull=True) & _at_steps_of(role, agency_id),
    ]
    for department_id, position_role in positions:
        branches.append(
            unassigned & Q(department_id=department_id) & _at_steps_of(position_role, agency_id)
        )
    return branches


def _at_steps_of(role: str, agency_id: int) -> Q:
    """At one of the agency's steps of ``role``. On PostgreSQL ``current_step_id =
    ANY(ARRAY(…))``: the steps read once (an InitPlan), then a plain condition on the rows of
    the department's index range. As ``IN (…)`` the planner joined each of the ~40 steps to the
    requests by the step's own index (2,300 buffers for a department-less branch that has no
    row; 9 this way)."""
    steps = _steps_for(role, agency_id)
    if connection.vendor != "postgresql":
        return Q(current_step__in=steps)
    array = Func(Subquery(steps.order_by()), function="ARRAY", output_field=IntegerField())
    # ``current_step_id + 0``: a condition on the rows of the branch's own index range, never
    # an index of its own. Left bare, at 1,000,000 requests the planner ANDed the step index's
    # bitmap (2,236 rows) with the agency's waiting requests (1,817) and read 1,779 heap pages
    # to find that none is unassigned without a department: it took `department IS NULL` for
    # 78 % of the rows (the closed requests have none), 1,125 of the branch's index range where
    # there are 0 (3.1 of the page statement's 4.1 ms; this way 1 buffer).
    plus_zero = Func(
        F("current_step_id"), template="(%(expressions)s + 0)", output_field=IntegerField()
    )
    return Q(_EqualsAny(plus_zero, array))


class _EqualsAny(Lookup):
    """``lhs = ANY(rhs)``, ``rhs`` an array (PostgreSQL)."""

    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _unassigned() -> Q:
    """``assigned_to IS NULL``. On SQLite written ``+assigned_to_id IS NULL``, which keeps
    SQLite from reading that term from the index on ``assigned_to_id``: for the OR above it
    chose that index, where NULL is most of the table, and read it all (813 ms for an
    expert's first page at 1,000,000 requests, 59 ms written this way; docs/benchmarks.md).
    PostgreSQL matches the bare term to its partial inbox indexes, so it keeps it."""
    if connection.vendor != "sqlite":
        return Q(assigned_to__isnull=True)
    plus = Func(F("assigned_to_id"), template="+%(expressions)s", output_field=IntegerField())
    return Q(IsNull(plus, True))


def _steps_for(role: str, agency_id: int) -> QuerySet[Step, Any]:
    # The agency's own steps (a request's step is of its service's workflow, and its service
    # is of its agency): a few dozen read by the foreign keys' indexes, not every agency's
    # steps (thousands at 1,000,000 requests) scanned for the role.
    return Step.objects.filter(role=role, version__workflow__service__agency_id=agency_id).values(
        "pk"
    )


def step_actions(step: Step) -> list[Action]:
    return list(step.actions.select_related("target").all())
