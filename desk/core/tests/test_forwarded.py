"""The client's address behind the proxy (TCP and unix socket), and the tracking rate limit
that keys on it: each citizen has their own limit; nobody picks their address."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from desk.core.forwarded import Proxies, client_address, refuse_unreal_addresses
from desk.lib import tracking
from desk.test import BaseTestCase

TOO_MANY = "تعداد جست‌وجوها از حد مجاز گذشته است. یک ساعت بعد بیایید."


def resolve(peer: str, xff: str = "", real: str = "", trusted: str = "") -> str | None:
    proxies = Proxies.parse(trusted.split(","))
    return client_address(peer=peer, forwarded_for=xff, real_ip=real, proxies=proxies)


class ClientAddressTests(SimpleTestCase):
    def test_it_believes_the_header_from_a_trusted_tcp_proxy(self) -> None:
        self.assertEqual(resolve("10.0.0.5", xff="203.0.113.7", trusted="10.0.0.5"), "203.0.113.7")
        self.assertEqual(
            resolve("10.0.0.5", real="203.0.113.7", trusted="10.0.0.0/24"), "203.0.113.7"
        )

    def test_it_believes_the_header_from_a_unix_socket_peer_when_unix_is_trusted(self) -> None:
        for peer in ("", "/run/desk/gunicorn.sock"):
            with self.subTest(peer=peer):
                self.assertEqual(resolve(peer, xff="203.0.113.7", trusted="unix"), "203.0.113.7")

    def test_a_unix_socket_peer_has_no_address_unless_trusted(self) -> None:
        self.assertIsNone(resolve("", xff="203.0.113.7", trusted="127.0.0.1"))

    def test_an_untrusted_peer_cannot_pick_its_address(self) -> None:
        self.assertEqual(resolve("198.51.100.9", xff="1.2.3.4", trusted="10.0.0.5"), "198.51.100.9")
        self.assertEqual(resolve("198.51.100.9", real="1.2.3.4", trusted=""), "198.51.100.9")

    def test_it_reads_x_forwarded_for_from_the_right(self) -> None:
        # The client wrote "1.2.3.4"; nginx appended the address it saw.
        self.assertEqual(resolve("", xff="1.2.3.4, 203.0.113.7", trusted="unix"), "203.0.113.7")
        # Behind a load balancer that is trusted too: the first untrusted hop from the right.
        self.assertEqual(
            resolve("10.0.0.5", xff="1.2.3.4, 203.0.113.7, 10.0.0.9", trusted="10.0.0.0/24"),
            "203.0.113.7",
        )

    def test_garbage_in_the_header_gives_no_address(self) -> None:
        self.assertIsNone(resolve("", xff="<script>", trusted="unix"))
        self.assertIsNone(resolve("", real="not-an-ip", trusted="unix"))

    def test_a_bad_entry_in_the_setting_stops_start_up(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "TRUSTED_PROXIES"):
            Proxies.parse(["10.0.0.5", "nginx.internal"])


class StartUpRefusalTests(SimpleTestCase):
    def refuse(self, *, behind_proxy: bool, bind: str, trusted: str, https: bool = True) -> None:
        refuse_unreal_addresses(
            https=https,
            behind_proxy=behind_proxy,
            gunicorn_bind=bind,
            proxies=Proxies.parse(trusted.split(",")),
        )

    def test_behind_a_proxy_in_production_it_needs_trusted_proxies(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "TRUSTED_PROXIES"):
            self.refuse(behind_proxy=True, bind="127.0.0.1:8000", trusted="")

    def test_on_a_unix_socket_in_production_it_needs_unix_trusted(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "'unix'"):
            self.refuse(behind_proxy=True, bind="unix:/run/desk/gunicorn.sock", trusted="127.0.0.1")

    def test_the_documented_configurations_start(self) -> None:
        self.refuse(behind_proxy=True, bind="unix:/run/desk/gunicorn.sock", trusted="unix")
        self.refuse(behind_proxy=True, bind="0.0.0.0:8000", trusted="*")
        self.refuse(behind_proxy=True, bind="127.0.0.1:8000", trusted="127.0.0.1")
        self.refuse(behind_proxy=False, bind="unix:/x.sock", trusted="", https=False)


@override_settings(TRACKING_LOOKUPS_PER_IP_PER_HOUR=3, TRUSTED_PROXIES=["unix"])
class RateLimitBehindTheSocketTests(BaseTestCase):
    """gunicorn on a unix socket gives REMOTE_ADDR "" for every request: the limit must follow
    the address nginx forwards, not the socket."""

    def lookup(self, *, peer: str, forwarded: str) -> list[str]:
        r = self.client.post(
            reverse("submissions:track"),
            {"code": tracking.generate(), "national_code": "0084575948"},
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        return list(r.context["form"].non_field_errors())

    def test_each_forwarded_address_has_its_own_limit(self) -> None:
        for i in range(3):
            self.assertNotIn(TOO_MANY, self.lookup(peer="", forwarded="203.0.113.7"), i)
        self.assertIn(TOO_MANY, self.lookup(peer="", forwarded="203.0.113.7"))
        for n in range(1, 11):  # other citizens behind the same socket are not refused
            with self.subTest(address=n):
                self.assertNotIn(TOO_MANY, self.lookup(peer="", forwarded=f"198.51.100.{n}"))

    def test_a_client_cannot_escape_its_limit_by_sending_the_header(self) -> None:
        for i in range(3):
            self.lookup(peer="192.0.2.1", forwarded=f"203.0.113.{i}")
        self.assertIn(TOO_MANY, self.lookup(peer="192.0.2.1", forwarded="203.0.113.99"))
