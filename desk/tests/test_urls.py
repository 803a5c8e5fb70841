"""Every app answers under its own prefix, tracking codes are digits, and the paths printed or
texted to people before the prefixes still lead to the same page."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from desk.delivery.tests.base import DeliveryTestCase
from desk.notifications import views as notification_views

# The one prefix of each app (docs/architecture.md). The catalog is the front door: it owns
# the root (/, services/, agencies/, categories/); health keeps healthz/ for load balancers.
PREFIXES = {
    "catalog": "",
    "accounts": "accounts/",
    "submissions": "requests/",
    "appointments": "appointments/",
    "delivery": "documents/",
    "notifications": "messages/",
    "payments": "payments/",
    "frontdesk": "frontdesk/",
    "letters": "letters/",
    "complaints": "complaints/",
    "surveys": "surveys/",
    "inquiries": "inquiries/",
    "api": "api/",
    "evaluation": "evaluation/",
    "oversight": "oversight/",
    "integrations": "catalog/",
    "health": "",
    "admin": "admin/",
}
CODE = "123456789012"


class PrefixTests(SimpleTestCase):
    def test_it_mounts_every_app_once_under_its_prefix(self) -> None:
        mounted: dict[str, str] = {}
        for entry in get_resolver().url_patterns:
            if isinstance(entry, URLResolver):
                self.assertNotIn(entry.namespace, mounted, "an app is mounted twice")
                mounted[str(entry.namespace)] = str(entry.pattern)
        self.assertEqual(mounted, PREFIXES)

    def test_it_leaves_at_the_root_only_sms_short_links_and_the_old_paths(self) -> None:
        from desk import urls

        kept = {id(p) for p in urls.SHORT_LINKS + urls.LEGACY_REDIRECTS + urls.LEGACY_WEBHOOKS}
        loose = [
            str(entry.pattern)
            for entry in get_resolver().url_patterns
            if isinstance(entry, URLPattern) and id(entry) not in kept
        ]
        self.assertEqual(loose, [])

    def test_it_names_the_new_public_paths(self) -> None:
        self.assertEqual(reverse("submissions:my_request", args=[CODE]), f"/requests/{CODE}/")
        self.assertEqual(reverse("submissions:track"), "/requests/track/")
        self.assertEqual(reverse("delivery:verify_code", args=[CODE]), f"/documents/verify/{CODE}/")
        self.assertEqual(reverse("appointments:detail", args=[CODE]), f"/appointments/{CODE}/")
        self.assertEqual(reverse("accounts:citizen_login"), "/accounts/login/")


class DigitsConverterTests(SimpleTestCase):
    def test_it_matches_tracking_codes_by_digits_only(self) -> None:
        self.assertEqual(resolve(f"/requests/{CODE}/").kwargs, {"code": CODE})
        self.assertEqual(resolve("/requests/track/").url_name, "track")
        for path in ("/requests/12ab/", "/requests/-1/", "/appointments/x1/cancel/"):
            with self.subTest(path=path), self.assertRaises(Resolver404):
                resolve(path)

    def test_it_reads_persian_digits_in_a_retyped_link_as_ascii(self) -> None:
        self.assertEqual(resolve("/requests/۱۲۳۴۵۶۷۸۹۰۱۲/").kwargs, {"code": CODE})


class LegacyPathTests(DeliveryTestCase):
    def test_it_redirects_every_old_public_path_permanently(self) -> None:
        cases = {
            f"/verify/{CODE}/": reverse("delivery:verify_code", args=[CODE]),
            "/verify/": reverse("delivery:verify"),
            "/track/": reverse("submissions:track"),
            "/my/": reverse("submissions:my_requests"),
            f"/my/{CODE}/": reverse("submissions:my_request", args=[CODE]),
            f"/my/{CODE}/receipt/": reverse("submissions:receipt", args=[CODE]),
            "/my/appointments/": reverse("appointments:mine"),
            f"/my/appointments/{CODE}/": reverse("appointments:detail", args=[CODE]),
            "/services/building-permit/apply/": reverse(
                "submissions:apply", args=["building-permit"]
            ),
            "/services/building-permit/appointment/": reverse(
                "appointments:book", args=["building-permit"]
            ),
            "/login/?next=/my/": reverse("accounts:citizen_login") + "?next=/my/",
            "/staff/": reverse("submissions:inbox"),
            "/staff/login/": reverse("accounts:staff_login"),
            f"/staff/requests/{CODE}/": reverse("submissions:staff_request", args=[CODE]),
            "/staff/appointments/": reverse("appointments:desk"),
            "/staff/messages/": reverse("notifications:failures"),
        }
        for old, new in cases.items():
            with self.subTest(old=old):
                response = self.client.get(old)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], new)

    def test_a_qr_code_printed_on_an_earlier_pdf_still_opens_the_document(self) -> None:
        document = self.issue()
        code = document.verification_code
        response = self.client.get(f"/verify/{code}/", follow=True)
        self.assertEqual(
            response.redirect_chain, [(reverse("delivery:verify_code", args=[code]), 301)]
        )
        self.assertContains(response, "پروانه ساختمانی")

    def test_an_sms_link_texted_earlier_still_opens_the_request(self) -> None:
        submission = self.create_submission()
        self.client.force_login(self.citizen)
        response = self.client.get(f"/my/{submission.tracking_code}/", follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "مریم رضایی")
        self.assertEqual(response.redirect_chain[0][1], 301)

    def test_the_providers_old_webhook_addresses_reach_the_webhook_views(self) -> None:
        for path, view in (
            ("/hooks/sms/kavenegar/receipts/", notification_views.receipt_webhook),
            ("/hooks/sms/kavenegar/receipts/a-token/", notification_views.receipt_webhook),
            ("/hooks/sms/smsir/inbound/", notification_views.inbound_webhook),
            ("/hooks/sms/smsir/inbound/a-token/", notification_views.inbound_webhook),
        ):
            with self.subTest(path=path):
                self.assertIs(resolve(path).func, view)
