"""Links the layout resolves once per process still follow the script prefix a site is
served under (SCRIPT_NAME behind a proxy)."""

from __future__ import annotations

from django.template import Context, Template
from django.test import SimpleTestCase
from django.urls import get_script_prefix, set_script_prefix

from desk.core.templatetags.layout import _anonymous_nav, url_once, url_with_code


class OnceResolvedLinksFollowTheScriptPrefix(SimpleTestCase):
    def setUp(self) -> None:
        previous = get_script_prefix()
        self.addCleanup(set_script_prefix, previous)

    def test_the_same_name_under_two_prefixes_gives_two_links(self) -> None:
        set_script_prefix("/")
        at_root = url_once("submissions:track")
        set_script_prefix("/desk/")
        under_prefix = url_once("submissions:track")
        self.assertEqual(under_prefix, "/desk" + at_root)

    def test_the_tag_and_the_row_links_follow_the_prefix(self) -> None:
        set_script_prefix("/desk/")
        page = Template("{% load layout %}{% url_once 'submissions:track' %}").render(Context())
        self.assertTrue(page.startswith("/desk/"), page)
        self.assertTrue(url_with_code("submissions:my_request", "123").startswith("/desk/"))

    def test_the_visitors_menu_follows_the_prefix(self) -> None:
        set_script_prefix("/")
        at_root = str(_anonymous_nav())
        set_script_prefix("/desk/")
        under_prefix = str(_anonymous_nav())
        self.assertNotEqual(at_root, under_prefix)
        self.assertIn('href="/desk/', under_prefix)
