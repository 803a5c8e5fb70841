"""The scoring arithmetic and the ranking rule, pure (no models), so that both are tested on
figures written by hand (docs/evaluation.md states them).

Score out of 100::

    total = Σ_axes W_a × (Σ_i w_i × s_i / m_i) / Σ_i w_i

W_a is the axis's weight (the axes' weights add up to 100), w_i an indicator's weight within
its axis, s_i its score (an unscored indicator counts 0) and m_i its highest score. Rounded
half-up to two decimals once, at the end.

Ranking is standard competition ranking ("1224"): equal scores (after rounding) share a rank
and the next rank skips as many places as were shared. No tie-break: tied agencies are listed
by name, which does not change their rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

K = TypeVar("K")


@dataclass(frozen=True)
class Line:
    """An indicator as the arithmetic sees it."""

    axis: int
    axis_weight: Decimal
    weight: Decimal
    max_score: int
    score: int | None


def total(lines: Iterable[Line]) -> Decimal:
    """The total out of 100 (see the module docstring)."""
    axes: dict[int, tuple[Decimal, Decimal, Decimal]] = {}
    for line in lines:
        weight_sum, earned, axis_weight = axes.get(
            line.axis, (Decimal(0), Decimal(0), line.axis_weight)
        )
        share = Decimal(line.score or 0) / Decimal(line.max_score) if line.max_score else Decimal(0)
        axes[line.axis] = (weight_sum + line.weight, earned + line.weight * share, axis_weight)
    result = sum(
        (
            axis_weight * earned / weight_sum
            for weight_sum, earned, axis_weight in axes.values()
            if weight_sum
        ),
        Decimal(0),
    )
    return result.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ranked(Generic[K]):
    rank: int
    key: K
    score: Decimal
    name: str


def rank(entries: Sequence[tuple[K, str, Decimal]]) -> list[Ranked[K]]:
    """``(key, name, score)`` → ranked, best first; ties share a rank, the next one skips."""
    ordered = sorted(entries, key=lambda e: (-e[2].quantize(CENT, rounding=ROUND_HALF_UP), e[1]))
    ranked: list[Ranked[K]] = []
    for position, (key, name, score) in enumerate(ordered, start=1):
        rounded = score.quantize(CENT, rounding=ROUND_HALF_UP)
        place = ranked[-1].rank if ranked and ranked[-1].score == rounded else position
        ranked.append(Ranked(rank=place, key=key, score=rounded, name=name))
    return ranked
