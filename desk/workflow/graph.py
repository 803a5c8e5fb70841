"""A workflow version drawn as a graph (server-side SVG) for the admin, beside its editor:
the steps top to bottom in their order, an arrow for each action labelled with its button.
An action to the next step goes straight down; any other (back to an earlier step, or past
the next one) goes round on the side, one lane each. No script and no style attribute (the
Content-Security-Policy): presentation attributes only; colours in desk/admin.css classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from desk.workflow.models import Action, Step, StepKind, WorkflowVersion

BOX_W, BOX_H, GAP = 200, 54, 64
LEFT = 190  # room on the left for the side arrows' labels and lanes
LANE = 12
LANE_START = 100  # the first side lane; further ones to its left
MAX_LANES = 8


@dataclass(frozen=True)
class _Box:
    step: Step
    x: int
    y: int

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2


def _kind_class(step: Step) -> str:
    if step.kind == StepKind.END_COMPLETED:
        return "wf-step wf-done"
    if step.kind == StepKind.END_REJECTED:
        return "wf-step wf-rejected"
    if step.kind == StepKind.ASK_CITIZEN:
        return "wf-step wf-citizen"
    return "wf-step wf-start" if step.is_start else "wf-step"


def _short(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _box_svg(box: _Box, current: bool) -> SafeString:
    step = box.step
    detail = step.get_kind_display()
    if step.department is not None:
        detail = f"{detail} · {step.department.name}"
    return format_html(
        '<g class="{}{}"><title>{}</title>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="8"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="wf-label">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="wf-detail">{}</text></g>',
        _kind_class(step),
        " wf-current" if current else "",
        f"{step.staff_label} — {step.citizen_label}",
        box.x,
        box.y,
        BOX_W,
        BOX_H,
        box.cx,
        box.y + 23,
        _short(step.staff_label),
        box.cx,
        box.y + 42,
        _short(detail, 32),
    )


def _edge_svg(action: Action, boxes: dict[int, _Box], order: dict[int, int], lane: int) -> str:
    """``lane``: this side arrow's number, counted over the whole graph (its x) and among its
    source's side arrows (where it leaves the box, its label just above)."""
    source, target = boxes[action.source_id], boxes[action.target_id]
    label = _short(action.label, 18)
    if order[action.target_id] == order[action.source_id] + 1:
        x, y1, y2 = source.cx, source.y + BOX_H, target.y
        return format_html(
            '<g class="wf-edge"><line x1="{}" y1="{}" x2="{}" y2="{}" '
            'marker-end="url(#wf-arrow)"></line>'
            # Right to left (the svg's direction): "end" is the left edge of the text.
            '<text x="{}" y="{}" text-anchor="end" class="wf-edge-label">{}</text></g>',
            x,
            y1,
            x,
            y2 - 2,
            x + 6,
            (y1 + y2) // 2 + 4,
            label,
        )
    # Round on the left: out of the source's side, down (or up) its lane, into the target's.
    overall, own = divmod(lane, 4)
    x = LANE_START - LANE * overall
    y1 = source.y + 14 + own * 14
    y2 = target.y + BOX_H - 12 - (overall % 3) * 8
    back = " wf-back" if order[action.target_id] < order[action.source_id] else ""
    return format_html(
        '<g class="wf-edge{}"><path d="M {} {} H {} V {} H {}" fill="none" '
        'marker-end="url(#wf-arrow)"></path>'
        '<text x="{}" y="{}" text-anchor="start" class="wf-edge-label wf-side-label">{}</text>'
        "</g>",
        back,
        source.x,
        y1,
        x,
        y2,
        target.x - 2,
        source.x - 4,
        y1 - 3,
        label,
    )


def workflow_svg(version: WorkflowVersion, current: Step | None = None) -> SafeString:
    """The version's steps and actions as an inline ``<svg>`` (Persian labels, right to left
    reading order of the page; each box's full labels in its tooltip)."""
    steps = list(version.steps.select_related("department").order_by("order", "pk"))
    if not steps:
        return format_html('<p class="help">{}</p>', "هنوز مرحله‌ای ندارد.")
    actions = list(
        Action.objects.filter(source__version=version).order_by("source__order", "order", "pk")
    )
    order = {step.pk: index for index, step in enumerate(steps)}
    actions = [a for a in actions if a.target_id in order and a.source_id in order]
    boxes = {
        step.pk: _Box(step, LEFT, 10 + index * (BOX_H + GAP)) for index, step in enumerate(steps)
    }
    side = [a for a in actions if order[a.target_id] != order[a.source_id] + 1]
    # Each side arrow: its own lane (x), and its rank among its source's side arrows (y).
    ranks: dict[int, int] = {}
    lanes = {}
    for index, action in enumerate(side):
        rank = ranks.get(action.source_id, 0)
        ranks[action.source_id] = rank + 1
        lanes[action.pk] = min(index, MAX_LANES - 1) * 4 + min(rank, 3)
    edges = [_edge_svg(a, boxes, order, lanes.get(a.pk, 0)) for a in actions]
    height = 20 + len(steps) * (BOX_H + GAP) - GAP
    width = LEFT + BOX_W + 80
    current_pk = current.pk if current is not None else None
    return format_html(
        '<svg class="wf-graph" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="wf-graph-title" direction="rtl">'
        '<title id="wf-graph-title">{}</title>'
        '<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z"></path></marker></defs>{}{}</svg>',
        width,
        height,
        width,
        height,
        f"نمودار گردش کار: {len(steps)} مرحله، {len(actions)} اقدام",
        mark_safe("".join(edges)),
        format_html_join(
            "", "{}", ((_box_svg(b, b.step.pk == current_pk),) for b in boxes.values())
        ),
    )
