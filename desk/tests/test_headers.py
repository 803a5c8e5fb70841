"""Security headers: the Content-Security-Policy on every page, no-store on every personal
page, and templates that need no inline script or style to work under that policy."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from desk.core.headers import PUBLIC_NAMESPACES, PUBLIC_ROUTES, is_public_route
from desk.test import BaseTestCase

NO_STORE = "no-store"
# Rendered by WeasyPrint into a PDF, never served as a page.
PDF_TEMPLATES = {"delivery/result.html", "letters/reply_pdf.html"}


def _view_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace or ""
            names |= _view_names(pattern.url_patterns, inner if pattern.namespace else namespace)
        elif pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


class ContentSecurityPolicyTests(BaseTestCase):
    def policy(self, path: str) -> dict[str, list[str]]:
        response = self.client.get(path)
        header = response["Content-Security-Policy"]
        return {
            directive.split()[0]: directive.split()[1:]
            for directive in header.split(";")
            if directive.strip()
        }

    def test_every_page_allows_scripts_and_styles_from_this_site_only(self) -> None:
        self.client.force_login(self.citizen)
        for path in (
            reverse("catalog:home"),
            reverse("submissions:my_requests"),
            reverse("submissions:apply", args=[self.service.slug]),
            reverse("submissions:track"),
        ):
            with self.subTest(path=path):
                policy = self.policy(path)
                self.assertEqual(policy["script-src"], ["'self'"])
                self.assertEqual(policy["style-src"], ["'self'"])
                self.assertEqual(policy["object-src"], ["'none'"])
                self.assertEqual(policy["frame-ancestors"], ["'none'"])
                # The pay button's form leads on to the banks' payment pages, and nowhere else.
                self.assertEqual(
                    policy["form-action"], ["'self'", *settings.PAYMENT_GATEWAY_ORIGINS]
                )

    def test_the_admin_is_under_the_same_policy(self) -> None:
        self.assertEqual(self.policy(reverse("admin:login"))["script-src"], ["'self'"])

    def test_no_template_served_as_a_page_has_inline_script_handlers_or_style(self) -> None:
        inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
        handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
        style_attribute = re.compile(r"\sstyle\s*=", re.IGNORECASE)
        root = Path(settings.BASE_DIR) / "templates"
        checked = 0
        for path in root.rglob("*.html"):
            name = path.relative_to(root).as_posix()
            if name in PDF_TEMPLATES:
                continue
            text = path.read_text(encoding="utf-8")
            checked += 1
            with self.subTest(template=name):
                self.assertIsNone(inline_script.search(text))
                self.assertIsNone(handler.search(text))
                self.assertIsNone(style_attribute.search(text))
        self.assertGreater(checked, 20)


class NoStoreTests(BaseTestCase):
    def assertNotStored(self, path: str) -> None:
        response = self.client.get(path)
        self.assertIn(NO_STORE, response.get("Cache-Control", ""), path)

    def test_a_citizens_pages_are_never_stored(self) -> None:
        self.client.force_login(self.citizen)
        for name in (
            "submissions:my_requests",
            "appointments:mine",
            "accounts:profile",
            "catalog:home",
        ):
            path = reverse(name)
            with self.subTest(path=path):
                self.assertNotStored(path)

    def test_staff_pages_and_the_admin_are_never_stored(self) -> None:
        self.client.force_login(self.expert)
        for name in (
            "submissions:inbox",
            "appointments:desk",
            "notifications:failures",
            "admin:index",
        ):
            path = reverse(name)
            with self.subTest(path=path):
                self.assertNotStored(path)

    def test_the_tracking_lookup_and_sign_in_pages_are_never_stored(self) -> None:
        for name in ("submissions:track", "accounts:citizen_login", "accounts:staff_login"):
            path = reverse(name)
            with self.subTest(path=path):
                self.assertNotStored(path)

    def test_the_public_catalog_may_be_cached_for_strangers(self) -> None:
        response = self.client.get(reverse("catalog:service_detail", args=[self.service.slug]))
        self.assertNotIn(NO_STORE, response.get("Cache-Control", ""))

    def test_every_public_route_is_one_that_shows_nothing_personal(self) -> None:
        """A new route is personal until listed as public: this list is reviewed here."""
        names = _view_names(get_resolver().url_patterns)
        public = {name for name in names if is_public_route(name)}
        self.assertEqual(PUBLIC_NAMESPACES, {"catalog"})
        self.assertEqual(PUBLIC_ROUTES, {"delivery:verify"})
        self.assertTrue(all(n.startswith("catalog:") or n == "delivery:verify" for n in public))
        self.assertIn("submissions:my_requests", names - public)
        self.assertIn("submissions:track", names - public)

    @override_settings(STATIC_MANIFEST=False)
    def test_static_files_keep_their_caching(self) -> None:
        response = self.client.get("/static/desk/app.css")
        self.assertNotIn(NO_STORE, response.get("Cache-Control", ""))
