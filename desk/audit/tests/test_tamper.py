"""Every kind of tampering is found, and at the row where it happened."""

from __future__ import annotations

import os
import random

from django.test import TestCase

from desk.audit.tests.tamper import KINDS, run_tamper_trials, run_trial


class TamperTest(TestCase):
    def test_it_finds_an_edited_deleted_reordered_or_inserted_entry(self) -> None:
        for kind in KINDS:
            with self.subTest(kind=kind):
                detected, located = run_trial(kind, 100 + KINDS.index(kind), 8, random.Random(1))
                self.assertTrue(detected)
                self.assertTrue(located)

    def test_it_detects_every_one_of_many_tamperings(self) -> None:
        trials = int(os.environ.get("AUDIT_TAMPER_TRIALS", "100"))

        outcome = run_tamper_trials(trials)

        self.assertEqual(outcome.trials, trials)
        self.assertEqual(outcome.detected, trials)
        self.assertEqual(outcome.located, trials)
