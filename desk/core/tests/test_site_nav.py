"""The signed-in menu is rendered once per process and role set, with the person's name, their
agency's name and the logout form's token joined in per request: byte for byte the menu the
template renders for that person."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory

from desk.accounts.models import User
from desk.agencies.models import OversightLevel, Role, Staff
from desk.test import BaseTestCase, create_agency, create_staff

_CACHED = Template("{% load layout %}{% site_nav %}|{% site_nav %}")
_FULL = Template("{% include 'includes/nav_links.html' %}")


class TheSignedInMenuIsTheTemplatesMenu(BaseTestCase):
    def menus(self, user: object, token: str = "a-token") -> tuple[str, str]:
        request = RequestFactory().get("/requests/staff/")
        request.user = user  # type: ignore[assignment]
        with mock.patch("django.template.context_processors.get_token", return_value=token):
            cached = _CACHED.render(RequestContext(request))
            full = _FULL.render(RequestContext(request))
        return cached, full

    def assert_same_menu(self, user: object, token: str = "a-token") -> None:
        cached, full = self.menus(user, token)
        self.assertEqual(cached, f"{full}|{full}")

    def test_it_gives_every_role_its_own_menu(self) -> None:
        oversight = create_agency("سازمان نظارت", "oversight")
        oversight.oversight = OversightLevel.values[0]
        oversight.save()
        complaints = create_staff(self.agency, "complaints")
        Staff.objects.filter(user=complaints).update(handles_complaints=True)
        people = [
            self.citizen,
            self.expert,
            self.manager,
            create_staff(self.agency, "clerk", Role.CLERK),
            create_staff(self.agency, "admin", Role.ADMIN),
            create_staff(self.agency, "head", Role.HEAD),
            User.objects.get(pk=complaints.pk),
            create_staff(oversight, "evaluator"),
            User.objects.create_superuser("root", password="a-Strong-pass-1404"),
        ]
        menus = set()
        for person in people:
            with self.subTest(person=person.username):
                self.assert_same_menu(person)
                menus.add(self.menus(person)[1])
        self.assertEqual(len(menus), len(people))

    def test_it_writes_each_persons_name_agency_and_token(self) -> None:
        self.assert_same_menu(self.expert, "first-token")
        other = create_staff(self.agency, "other")
        other.first_name, other.last_name = "<b>علی</b>", "& @@desk-nav-agency@@"
        other.save()
        self.agency.name = "شهرداری <نمونه> & شرکا"
        self.agency.save()
        cached, full = self.menus(User.objects.get(pk=other.pk), 'second"token')
        self.assertEqual(cached, f"{full}|{full}")
        self.assertIn("&lt;b&gt;علی&lt;/b&gt; &amp; @@desk-nav-agency@@ — شهرداری", full)
        self.assertIn("شهرداری &lt;نمونه&gt; &amp; شرکا", full)
        self.assertIn('value="second&quot;token"', full)
        self.assertNotIn("first-token", cached)

    def test_it_shows_the_username_of_a_person_without_a_name(self) -> None:
        User.objects.filter(pk=self.expert.pk).update(first_name="", last_name="")
        self.assert_same_menu(User.objects.get(pk=self.expert.pk))

    def test_a_visitor_gets_the_visitors_menu(self) -> None:
        self.assert_same_menu(AnonymousUser())
