"""The address a per-address limit counts (desk/lib/addresses.py)."""

from __future__ import annotations

from unittest import TestCase

from desk.lib.addresses import limit_scope


class LimitScopeTests(TestCase):
    def test_an_ipv4_address_counts_alone(self) -> None:
        self.assertEqual(limit_scope("192.0.2.10"), "192.0.2.10")

    def test_an_ipv6_address_counts_as_its_subscribers_64(self) -> None:
        for address in ("2001:db8:1:2::1", "2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::"):
            self.assertEqual(limit_scope(address), "2001:db8:1:2::/64")
        self.assertNotEqual(limit_scope("2001:db8:1:3::1"), limit_scope("2001:db8:1:2::1"))

    def test_an_ipv4_address_written_as_ipv6_counts_as_the_ipv4_one(self) -> None:
        self.assertEqual(limit_scope("::ffff:192.0.2.10"), "192.0.2.10")

    def test_a_zone_is_dropped_and_no_address_is_unknown(self) -> None:
        self.assertEqual(limit_scope("fe80::1%eth0"), "fe80::/64")
        self.assertEqual(limit_scope(""), "unknown")
        self.assertEqual(limit_scope(None), "unknown")
        self.assertEqual(limit_scope("not:an:address"), "not:an:address")
