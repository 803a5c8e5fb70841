"""A manager assigns a request to a person through the API: the ids come from
staff/colleagues/ (only «null», the step's whole team, could be sent before)."""

from __future__ import annotations

from desk.api.tests.base import new_key, token_for
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import create_staff


class ColleaguesTests(SubmissionTestCase):
    def test_a_manager_lists_colleagues_and_assigns_to_one(self) -> None:
        submission = self.create_submission()
        gone = create_staff(self.agency, "gone")
        gone.is_active = False
        gone.save(update_fields=["is_active"])
        token = token_for(self.manager)
        auth = f"Bearer {token}"
        listed = self.client.get("/api/v1/staff/colleagues/", HTTP_AUTHORIZATION=auth)
        self.assertEqual(listed.status_code, 200, listed.content)
        ids = {row["id"]: row for row in listed.json()}
        self.assertIn(self.expert.pk, ids)
        self.assertEqual(ids[self.expert.pk]["role"], "expert")
        self.assertNotIn(gone.pk, ids)
        self.assertNotIn(self.outsider.pk, ids)  # another agency's
        assigned = self.client.post(
            f"/api/v1/staff/requests/{submission.tracking_code}/assign/",
            {"assignee": self.expert.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
            HTTP_IDEMPOTENCY_KEY=new_key(),
        )
        self.assertEqual(assigned.status_code, 200, assigned.content)
        submission.refresh_from_db()
        self.assertEqual(submission.assigned_to_id, self.expert.pk)

    def test_a_citizen_cannot_list_staff(self) -> None:
        r = self.client.get(
            "/api/v1/staff/colleagues/", HTTP_AUTHORIZATION=f"Bearer {token_for(self.citizen)}"
        )
        self.assertEqual(r.status_code, 403)
