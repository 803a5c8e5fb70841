"""The arithmetic and the ranking rule on figures written by hand."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from desk.evaluation.scoring import Line, rank, total

D = Decimal


def line(axis: int, axis_weight: int, weight: int, score: int | None, max_score: int = 4) -> Line:
    return Line(
        axis=axis, axis_weight=D(axis_weight), weight=D(weight), max_score=max_score, score=score
    )


class TotalTests(SimpleTestCase):
    def test_it_weighs_indicators_within_axes_and_axes_out_of_100(self) -> None:
        # Axis 1 (60): weights 2 and 1, scores 4/4 and 2/4 → (2·1 + 1·0.5)/3 = 0.8333… → 50
        # Axis 2 (40): one indicator 1/4 → 0.25 → 10. Total 60.00.
        lines = [line(1, 60, 2, 4), line(1, 60, 1, 2), line(2, 40, 1, 1)]
        self.assertEqual(total(lines), D("60.00"))

    def test_the_table_of_known_answers(self) -> None:
        table = [
            # (lines, expected)
            ([line(1, 100, 1, 4)], D("100.00")),
            ([line(1, 100, 1, 0)], D("0.00")),
            ([line(1, 100, 1, None)], D("0.00")),  # unscored counts 0
            ([line(1, 50, 1, 3), line(2, 50, 1, 1)], D("50.00")),
            ([line(1, 30, 1, 1, max_score=3), line(2, 70, 1, 4)], D("80.00")),
            # 100 × (1·1 + 2·0)/3 / 1 = 33.333… → 33.33 (rounded once, at the end)
            ([line(1, 100, 1, 4), line(1, 100, 2, 0)], D("33.33")),
            # 2/3 of 100 = 66.666… → 66.67 (half-up)
            ([line(1, 100, 2, 4), line(1, 100, 1, 0)], D("66.67")),
        ]
        for lines, expected in table:
            with self.subTest(expected=expected):
                self.assertEqual(total(lines), expected)


class RankTests(SimpleTestCase):
    def test_equal_scores_share_a_rank_and_the_next_rank_skips(self) -> None:
        ranked = rank(
            [
                ("d", "دال", D("70")),
                ("a", "الف", D("90")),
                ("c", "جیم", D("80")),
                ("b", "ب", D("80")),
                ("e", "ه", D("70.001")),  # 70.00 after rounding: tied with «دال»
            ]
        )
        self.assertEqual(
            [(r.rank, r.key) for r in ranked],
            [(1, "a"), (2, "b"), (2, "c"), (4, "d"), (4, "e")],
        )

    def test_ties_are_listed_by_name_without_changing_the_rank(self) -> None:
        ranked = rank([("z", "ی", D("50")), ("a", "آ", D("50")), ("m", "م", D("50"))])
        self.assertEqual([r.rank for r in ranked], [1, 1, 1])
        self.assertEqual([r.name for r in ranked], ["آ", "م", "ی"])

    def test_no_entries_no_ranks(self) -> None:
        self.assertEqual(rank([]), [])
