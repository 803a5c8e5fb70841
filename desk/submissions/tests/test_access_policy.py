"""The access policy on requests and their files, and the grant mechanism inquiries will use:
agency B sees exactly the fields and files of agency A's request that an open inquiry shares,
through the same pages and downloads as everyone else, and nothing once it is answered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from desk.agencies import access
from desk.submissions.models import Submission
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import create_agency, create_service, create_staff
from desk.workflow.models import Department


@dataclass
class SharedWith:
    """A minimal grant provider: what an inquiry from agency A to agency B would share. An
    answered inquiry yields no grant."""

    grants: list[access.Grant] = field(default_factory=list)
    answered: set[int] = field(default_factory=set)

    def share(
        self, submission: Submission, agency_id: int, *, fields: set[str], files: set[int]
    ) -> None:
        self.grants.append(
            access.Grant(
                agency_id=agency_id,
                submission_id=submission.pk,
                fields=frozenset(fields),
                attachment_ids=frozenset(files),
                reason="استعلام آزمایشی",
            )
        )

    def answer(self, submission: Submission) -> None:
        self.answered.add(submission.pk)

    def grants_for(self, *, agency_id: int, submission_id: int) -> Iterable[access.Grant]:
        if submission_id in self.answered:
            return []
        return [g for g in self.grants if g.submission_id == submission_id]


class RequestAccessTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_submission()

    def test_it_shows_the_whole_request_to_staff_of_its_agency_only(self) -> None:
        self.assertTrue(access.can_view_submission(self.expert, self.submission))
        self.assertTrue(access.can_view_submission(self.manager, self.submission))
        for user in (self.outsider, self.citizen, AnonymousUser()):
            with self.subTest(user=str(user)):
                self.assertFalse(access.can_view_submission(user, self.submission))
                self.assertFalse(access.can_act_on_submission(user, self.submission))
        self.assertEqual(access.submission_access(self.outsider, self.submission), access.NO_ACCESS)

    def test_it_lists_only_the_agencys_requests(self) -> None:
        gas_service = create_service(self.other_agency, slug="gas-connection", title="انشعاب گاز")
        gas = self.create_submission(service=gas_service)
        mine = set(Submission.objects.filter(access.submissions_visible_to(self.expert)))
        self.assertEqual(mine, {self.submission})
        theirs = set(Submission.objects.filter(access.submissions_visible_to(self.outsider)))
        self.assertEqual(theirs, {gas})
        self.assertFalse(Submission.objects.filter(access.submissions_visible_to(self.citizen)))

    def test_it_gives_work_only_to_staff_and_departments_of_the_agency(self) -> None:
        own = Department.objects.create(agency=self.agency, name="فنی")
        theirs = Department.objects.create(agency=self.other_agency, name="فنی")
        self.assertTrue(access.can_receive_submission(self.expert, self.submission))
        self.assertFalse(access.can_receive_submission(self.outsider, self.submission))
        self.assertFalse(access.can_receive_submission(self.citizen, self.submission))
        self.assertTrue(access.may_route_to(self.submission, own))
        self.assertFalse(access.may_route_to(self.submission, theirs))

    def test_it_gives_files_to_staff_the_applicant_and_a_proven_tracker(self) -> None:
        completed = self.create_completed()
        document, result = self.document_of(completed), self.result_of(completed)
        for attachment in (document, result):
            self.assertTrue(access.can_view_attachment(self.expert, attachment))
            self.assertTrue(access.can_view_attachment(self.citizen, attachment))
            self.assertFalse(access.can_view_attachment(self.outsider, attachment))
            self.assertFalse(access.can_view_attachment(self.other_citizen, attachment))
        # Proving the tracking code opens the result, not the applicant's own documents.
        stranger = AnonymousUser()
        self.assertTrue(access.can_view_attachment(stranger, result, tracked_ids=[completed.pk]))
        self.assertFalse(access.can_view_attachment(stranger, document, tracked_ids=[completed.pk]))


class GrantTests(SubmissionTestCase):
    """Agency B (the outsider's) is asked by an inquiry about agency A's request."""

    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_completed()
        self.document = self.document_of(self.submission)
        self.result = self.result_of(self.submission)
        self.provider = SharedWith()
        self.provider.share(
            self.submission, self.other_agency.pk, fields={"address"}, files={self.document.pk}
        )
        self.third = create_staff(create_agency("اداره ثبت نمونه", "sample-registry"), "third")

    def test_it_grants_exactly_the_shared_fields_and_files(self) -> None:
        with access.grant_provider(self.provider):
            seen = access.submission_access(self.outsider, self.submission)
        self.assertFalse(seen.full)
        self.assertTrue(seen.any)
        self.assertTrue(seen.may_see_field("address"))
        self.assertFalse(seen.may_see_field("deed"))
        self.assertTrue(seen.may_see_attachment(self.document.pk))
        self.assertFalse(seen.may_see_attachment(self.result.pk))
        self.assertEqual(seen.reasons, ("استعلام آزمایشی",))

    def test_it_lets_the_asked_agency_download_only_the_shared_file(self) -> None:
        self.client.force_login(self.outsider)
        with access.grant_provider(self.provider):
            shared = self.client.get(self.download_url(self.document))
            unshared = self.client.get(self.download_url(self.result))
            page = self.client.get(
                reverse("submissions:staff_request", args=[self.submission.tracking_code])
            )
        self.assertEqual(shared.status_code, 200)
        self.assertEqual(unshared.status_code, 404)
        self.assertEqual(page.status_code, 404)  # a grant never opens the whole request

    def test_it_ends_the_grant_when_the_inquiry_is_answered(self) -> None:
        self.client.force_login(self.outsider)
        with access.grant_provider(self.provider):
            self.provider.answer(self.submission)
            r = self.client.get(self.download_url(self.document))
            self.assertEqual(r.status_code, 404)
            self.assertEqual(
                access.submission_access(self.outsider, self.submission), access.NO_ACCESS
            )

    def test_it_shows_a_third_agency_nothing(self) -> None:
        self.client.force_login(self.third)
        with access.grant_provider(self.provider):
            r = self.client.get(self.download_url(self.document))
            seen = access.submission_access(self.third, self.submission)
        self.assertEqual(r.status_code, 404)
        self.assertEqual(seen, access.NO_ACCESS)

    def test_it_ignores_a_grant_that_names_another_agency_or_request(self) -> None:
        stray = SharedWith()
        stray.share(self.submission, self.third.staff.agency_id, fields={"address"}, files=set())
        with access.grant_provider(stray):
            # The provider answers the outsider's question with a grant for someone else.
            self.assertEqual(
                access.submission_access(self.outsider, self.submission), access.NO_ACCESS
            )

    def test_it_grants_nothing_without_a_registered_provider(self) -> None:
        self.assertEqual(access.submission_access(self.outsider, self.submission), access.NO_ACCESS)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.download_url(self.document)).status_code, 404)

    def test_it_never_lets_a_grant_act_or_issue(self) -> None:
        with access.grant_provider(self.provider):
            self.assertFalse(access.can_act_on_submission(self.outsider, self.submission))
            self.assertFalse(access.can_receive_submission(self.outsider, self.submission))
