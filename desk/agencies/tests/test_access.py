"""The access policy's answers about people: who is staff of which agency, who manages what in
the admin, whose messages a person sees. (Requests, files and grants: submissions' tests.)"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from desk.accounts.models import User
from desk.agencies import access
from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff


@dataclass(frozen=True)
class Row:
    """Something owned by an agency, as the policy sees it (an office, a department)."""

    agency_id: int | None


class WhoIsAskingTests(BaseTestCase):
    def test_it_finds_the_agency_of_active_staff(self) -> None:
        self.assertEqual(access.agency_for_staff(self.expert), self.agency.pk)
        self.assertEqual(access.agency_for_staff(self.outsider), self.other_agency.pk)

    def test_it_finds_no_agency_for_citizens_and_strangers(self) -> None:
        self.assertIsNone(access.agency_for_staff(self.citizen))
        self.assertIsNone(access.agency_for_staff(AnonymousUser()))
        self.assertIsNone(access.agency_for_staff(None))

    def test_it_drops_deactivated_staff(self) -> None:
        staff = self.expert.staff
        staff.is_active = False
        staff.save()
        self.assertIsNone(access.staff_for_user(User.objects.get(pk=self.expert.pk)))

    def test_it_drops_staff_of_a_closed_agency(self) -> None:
        self.agency.is_active = False
        self.agency.save()
        self.assertIsNone(access.staff_for_user(User.objects.get(pk=self.expert.pk)))

    def test_it_reads_the_staff_record_with_its_agency_once(self) -> None:
        expert = User.objects.get(pk=self.expert.pk)
        with self.assertNumQueries(1):
            staff = access.staff_record(expert)
            assert staff is not None
            self.assertEqual((staff.agency.name, staff.user), (self.agency.name, expert))
            self.assertIs(expert.staff, staff)
            self.assertEqual(access.agency_for_staff(expert), self.agency.pk)
        citizen = User.objects.get(pk=self.citizen.pk)
        with self.assertNumQueries(1):
            self.assertIsNone(access.staff_record(citizen))
            self.assertIsNone(access.staff_for_user(citizen))
            self.assertFalse(hasattr(citizen, "staff"))

    def test_it_lets_only_citizens_apply(self) -> None:
        self.assertTrue(access.may_apply(self.citizen))
        self.assertFalse(access.may_apply(self.expert))
        self.assertFalse(access.may_apply(AnonymousUser()))

    def test_it_scopes_rows_to_the_staff_members_agency(self) -> None:
        from desk.agencies.models import Staff

        mine = Staff.objects.filter(access.staff_rows(self.expert))
        self.assertEqual({s.agency_id for s in mine}, {self.agency.pk})
        self.assertFalse(Staff.objects.filter(access.staff_rows(self.citizen)).exists())

    def test_it_keeps_things_within_one_agency(self) -> None:
        own, other, national = Row(self.agency.pk), Row(self.other_agency.pk), Row(None)
        self.assertTrue(access.same_agency(own, Row(self.agency.pk)))
        self.assertFalse(access.same_agency(own, other))
        self.assertFalse(access.same_agency(national, Row(None)))
        self.assertTrue(access.can_book_at(self.expert, own))
        self.assertFalse(access.can_book_at(self.expert, other))
        self.assertFalse(access.can_book_at(self.citizen, own))

    def test_it_gives_oversight_to_managers_and_agency_admins_only(self) -> None:
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.assertEqual(access.oversight_agency(self.manager), self.agency)
        self.assertEqual(access.oversight_agency(admin), self.agency)
        self.assertIsNone(access.oversight_agency(self.expert))


class MessageScopeTests(BaseTestCase):
    def test_it_shows_staff_their_agencys_messages_without_editing_texts(self) -> None:
        scope = access.message_scope(self.expert)
        assert scope is not None
        self.assertEqual(scope.agency_id, self.agency.pk)
        self.assertFalse(scope.may_edit_templates)
        self.assertFalse(scope.everything)

    def test_it_lets_the_agency_admin_edit_their_texts(self) -> None:
        scope = access.message_scope(create_staff(self.agency, "agency-admin", Role.ADMIN))
        assert scope is not None
        self.assertEqual(scope.agency_id, self.agency.pk)
        self.assertTrue(scope.may_edit_templates)

    def test_it_shows_an_operator_everything(self) -> None:
        root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        scope = access.message_scope(root)
        assert scope is not None
        self.assertTrue(scope.everything)
        self.assertTrue(scope.may_edit_templates)

    def test_it_shows_citizens_nothing(self) -> None:
        self.assertIsNone(access.message_scope(self.citizen))
        self.assertIsNone(access.message_scope(AnonymousUser()))


class AdminPermissionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")

    def test_it_gives_the_agency_admin_exactly_their_jobs_models(self) -> None:
        self.assertTrue(access.admin_may(self.agency_admin, "change", "catalog.Service"))
        self.assertTrue(access.admin_may(self.agency_admin, "add", "workflow.step"))
        self.assertTrue(access.admin_may(self.agency_admin, "delete", "calendars.closure"))
        self.assertFalse(access.admin_may(self.agency_admin, "change", "calendars.closure"))
        self.assertFalse(access.admin_may(self.agency_admin, "add", "appointments.appointment"))
        self.assertTrue(access.admin_may(self.agency_admin, "view", "appointments.appointment"))
        for label in ("agencies.agency", "accounts.user", "calendars.holidayoverride"):
            with self.subTest(label=label):
                self.assertFalse(access.admin_may(self.agency_admin, "view", label))

    def test_it_gives_other_staff_nothing_in_the_admin(self) -> None:
        for user in (self.expert, self.manager, self.citizen):
            with self.subTest(user=user.username):
                self.assertFalse(access.admin_may(user, "view", "catalog.service"))
                self.assertIsNone(access.administered_agency_id(user))

    def test_it_gives_an_operator_everything(self) -> None:
        self.assertTrue(access.admin_may(self.root, "delete", "agencies.agency"))
        self.assertIsNone(access.admin_rows(self.root, "agency_id"))

    def test_it_limits_admin_rows_to_the_agency_admins_agency(self) -> None:
        from desk.agencies.models import Staff

        rows = access.admin_rows(self.agency_admin, "agency_id")
        assert rows is not None
        self.assertEqual({s.agency_id for s in Staff.objects.filter(rows)}, {self.agency.pk})
        nothing = access.admin_rows(self.expert, "agency_id")
        assert nothing is not None
        self.assertFalse(Staff.objects.filter(nothing).exists())

    def test_it_lets_an_agency_admin_touch_only_their_own_rows(self) -> None:
        self.assertTrue(access.admin_may_touch(self.agency_admin, self.agency.pk))
        self.assertFalse(access.admin_may_touch(self.agency_admin, self.other_agency.pk))
        self.assertFalse(access.admin_may_touch(self.agency_admin, None))  # national rows
        self.assertTrue(access.admin_may_touch(self.root, None))


class OversightScopeTests(BaseTestCase):
    """Who sees which agencies' oversight figures: national and provincial evaluators (staff
    of an oversight agency) and an agency's head."""

    def setUp(self) -> None:
        from desk.agencies.models import OversightLevel
        from desk.test import create_agency

        super().setUp()
        self.agency.province = "تهران"
        self.agency.save()
        self.other_agency.province = "فارس"
        self.other_agency.save()
        national = create_agency("سازمان اداری و استخدامی کشور", "aeo")
        national.oversight, national.province = OversightLevel.NATIONAL, "تهران"
        national.save()
        fars = create_agency("اداره کل امور اداری فارس", "aeo-fars")
        fars.oversight, fars.province = OversightLevel.PROVINCIAL, "فارس"
        fars.save()
        self.national = create_staff(national, "national-evaluator")
        self.provincial = create_staff(fars, "fars-evaluator")
        self.head = create_staff(self.agency, "head", Role.HEAD)
        self.fars = fars

    def test_a_national_evaluator_sees_every_agency(self) -> None:
        scope = access.oversight_scope(self.national)
        assert scope is not None
        self.assertTrue(scope.is_evaluator and scope.is_national)
        self.assertFalse(scope.is_head)
        self.assertIn(self.agency.pk, scope.agency_ids)
        self.assertIn(self.other_agency.pk, scope.agency_ids)
        self.assertTrue(access.may_see_oversight(self.national, agency_id=1, province="کرمان"))

    def test_a_provincial_evaluator_sees_only_their_province(self) -> None:
        scope = access.oversight_scope(self.provincial)
        assert scope is not None
        self.assertTrue(scope.is_evaluator)
        self.assertEqual(scope.province, "فارس")
        self.assertEqual(set(scope.agency_ids), {self.other_agency.pk, self.fars.pk})
        self.assertTrue(
            access.may_see_oversight(
                self.provincial, agency_id=self.other_agency.pk, province="فارس"
            )
        )
        self.assertFalse(
            access.may_review_case(self.provincial, agency_id=self.agency.pk, province="تهران")
        )

    def test_an_agency_head_sees_only_their_agency(self) -> None:
        scope = access.oversight_scope(self.head)
        assert scope is not None
        self.assertTrue(scope.is_head)
        self.assertFalse(scope.is_evaluator)
        self.assertEqual(scope.agency_ids, [self.agency.pk])
        self.assertFalse(
            access.may_see_oversight(self.head, agency_id=self.other_agency.pk, province="تهران")
        )
        self.assertIsNone(access.evaluator_scope(self.head))

    def test_nobody_else_has_an_oversight_scope(self) -> None:
        for person in (self.manager, self.expert, self.citizen, AnonymousUser()):
            self.assertIsNone(access.oversight_scope(person))

    def test_evaluators_decide_appeals_in_their_scope_only(self) -> None:
        fars = self.other_agency.pk
        self.assertTrue(access.may_decide_appeal(self.national, agency_id=fars, province="فارس"))
        self.assertTrue(access.may_decide_appeal(self.provincial, agency_id=fars, province="فارس"))
        self.assertFalse(
            access.may_decide_appeal(self.provincial, agency_id=self.agency.pk, province="تهران")
        )
        self.assertFalse(access.may_decide_appeal(self.head, agency_id=fars, province="فارس"))
