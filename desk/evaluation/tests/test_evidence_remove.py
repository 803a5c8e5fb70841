"""An agency admin removes a document they uploaded while the self-assessment can still change
(a draft, or sent back for more evidence), after confirming; the removal is audited. Once it
is submitted nothing is removed; nobody else removes anything."""

from __future__ import annotations

from django.urls import reverse

from desk.audit.models import AuditEntry
from desk.core.errors import ApplicationError
from desk.evaluation import services
from desk.evaluation.models import Evidence, Indicator, State
from desk.evaluation.tests.base import EvaluationTestCase, answer
from desk.test import create_staff


class EvidenceRemovalTests(EvaluationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cycle = self.open_cycle()
        self.assessment = self.assessment_of(self.cycle, self.agency)
        self.indicator = Indicator.objects.filter(
            axis__template=self.template, evidence_required=True
        )[0]
        answer(self.assessment, self.indicator, self.admin, 3)
        self.evidence = Evidence.objects.get(answer__assessment=self.assessment)
        self.client.force_login(self.admin)

    def url(self) -> str:
        return reverse("evaluation:evidence_remove", args=[self.evidence.public_id])

    def test_the_admin_confirms_and_the_document_and_its_file_are_gone_audited(self) -> None:
        page = self.client.get(
            reverse("evaluation:answer", args=[self.assessment.public_id, self.indicator.pk])
        )
        self.assertContains(page, self.url())
        confirm = self.client.get(self.url())
        self.assertContains(confirm, "این مستند حذف شود؟")
        storage, name = self.evidence.file.storage, str(self.evidence.file.name)
        self.assertTrue(storage.exists(name))
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.url(), {"confirm": "1"}, follow=True)
        self.assertContains(r, "حذف شد")
        self.assertFalse(Evidence.objects.filter(pk=self.evidence.pk).exists())
        self.assertFalse(storage.exists(name))
        entry = AuditEntry.objects.get(action="evaluation.evidence_removed")
        self.assertEqual(entry.agency_id, self.agency.pk)
        self.assertEqual(entry.actor_id, self.admin.pk)
        self.assertIn(self.evidence.sha256, str(entry.details))

    def test_going_back_from_the_confirmation_removes_nothing(self) -> None:
        self.client.post(self.url(), {"cancel": "1"})
        self.assertTrue(Evidence.objects.filter(pk=self.evidence.pk).exists())

    def test_it_may_be_removed_when_sent_back_for_more_evidence(self) -> None:
        type(self.assessment).objects.filter(pk=self.assessment.pk).update(
            state=State.MORE_EVIDENCE
        )
        self.client.post(self.url(), {"confirm": "1"})
        self.assertFalse(Evidence.objects.filter(pk=self.evidence.pk).exists())

    def test_after_submission_nothing_is_removed(self) -> None:
        type(self.assessment).objects.filter(pk=self.assessment.pk).update(state=State.SUBMITTED)
        r = self.client.post(self.url(), {"confirm": "1"})
        self.assertRedirects(r, reverse("evaluation:assessment", args=[self.assessment.public_id]))
        self.assertTrue(Evidence.objects.filter(pk=self.evidence.pk).exists())
        with self.assertRaises(ApplicationError):
            services.evidence_remove(actor=self.admin, evidence_id=self.evidence.pk)
        self.assertFalse(AuditEntry.objects.filter(action="evaluation.evidence_removed").exists())

    def test_nobody_else_removes_it(self) -> None:
        manager = create_staff(self.agency, "manager-a", "manager")
        for person in (self.other_admin, self.evaluator, manager):
            with self.subTest(person.username):
                self.client.force_login(person)
                r = self.client.post(self.url(), {"confirm": "1"})
                self.assertEqual(r.status_code, 404)
        self.assertTrue(Evidence.objects.filter(pk=self.evidence.pk).exists())
