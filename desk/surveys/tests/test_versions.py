"""The questionnaires are data an operator versions: a new version is used by invitations sent
after it is published and never alters the responses already given."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.core.errors import ApplicationError
from desk.surveys.models import FormKind, FormVersion, Question, Response, SurveyForm
from desk.surveys.services import version_copy, version_publish
from desk.surveys.tests.base import ESERVICE_ANSWERS, SurveyTestCase


class VersionTests(SurveyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = SurveyForm.objects.get(kind=FormKind.ESERVICE)
        self.v1 = self.form.versions.get(number=1)

    def test_a_fresh_install_has_both_forms_published(self) -> None:
        takrim = SurveyForm.objects.get(kind=FormKind.TAKRIM).versions.get(number=1)
        self.assertTrue(takrim.is_published)
        scale = takrim.questions.filter(kind="scale")
        self.assertEqual(scale.count(), 16)
        self.assertEqual(
            set(scale.values_list("axis", flat=True)),
            {"transparency", "responsiveness", "mastery", "time", "systematic", "overall"},
        )
        self.assertEqual(
            list(scale.filter(red_flag=True).values_list("key", flat=True)), ["connections"]
        )
        self.assertEqual(self.v1.questions.filter(kind="scale").count(), 4)

    def test_a_new_version_is_asked_from_its_publication_and_old_answers_stay(self) -> None:
        old = self.invitation(self.end())
        self.answer_on_web(old.token, ESERVICE_ANSWERS)
        draft = version_copy(version_id=self.v1.pk)
        self.assertEqual((draft.number, draft.is_published), (2, False))
        draft.questions.filter(key="speed").update(text="زمان انجام کار چطور بود؟")
        Question.objects.filter(version=draft, key="information").delete()
        # A draft is not asked yet.
        self.assertEqual(self.invitation(self.end()).form_version, self.v1)
        version_publish(version_id=draft.pk)
        new = self.invitation(self.end())
        self.assertEqual(new.form_version, draft)
        self.assertEqual(new.form_version.questions.count(), 4)
        old.refresh_from_db()
        self.assertEqual(old.form_version, self.v1)
        response = Response.objects.get(invitation=old)
        self.assertEqual(response.answers.count(), 5)
        self.assertEqual(response.transparency, 5.0)
        self.assertEqual(
            self.v1.questions.get(key="speed").text, "سرعت انجام درخواست شما چطور بود؟"
        )

    def test_a_version_is_published_once(self) -> None:
        with self.assertRaises(ApplicationError):
            version_publish(version_id=self.v1.pk)

    def test_an_operator_cannot_edit_a_published_versions_questions_in_the_admin(self) -> None:
        root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.client.force_login(root)
        url = reverse("admin:surveys_formversion_change", args=[self.v1.pk])
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, 'name="questions-0-text"')
        draft = version_copy(version_id=self.v1.pk)
        r = self.client.get(reverse("admin:surveys_formversion_change", args=[draft.pk]))
        self.assertContains(r, 'name="questions-0-text"')
        self.assertEqual(FormVersion.objects.filter(form=self.form).count(), 2)
