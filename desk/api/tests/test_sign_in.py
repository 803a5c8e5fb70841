"""Tokens for people: citizens by the SMS code, staff by password and their second factor."""

from __future__ import annotations

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.api.models import ApiToken, IdempotencyRecord
from desk.api.tests.base import ApiTestCase, new_key
from desk.test import create_staff, create_totp_device, totp_code


class SignInTest(ApiTestCase):
    def test_a_citizen_gets_a_token_that_is_stored_only_as_a_hash(self) -> None:
        token = self.citizen_sign_in()
        stored = ApiToken.objects.get()
        self.assertNotIn(token, stored.token_hash)
        self.assertTrue(token.startswith(stored.prefix))
        me = self.call("get", "/api/v1/me/", token).json()
        self.assertEqual(me["national_code"], "0084575948")

    def test_a_token_is_never_kept_to_be_replayed_nor_given_again(self) -> None:
        # With an Idempotency-Key, an answer is kept to be replayed: a token must not be, and
        # the same call again must pass the password and second-factor checks again.
        device = create_totp_device(self.manager)
        data = {"username": "manager", "password": "a-Strong-pass-1404", "code": ""}
        data["code"] = totp_code(device)
        key = new_key()
        first = self.call("post", "/api/v1/staff/auth/token/", data=data, key=key)
        self.assertEqual(first.status_code, 201)
        self.assertFalse(IdempotencyRecord.objects.exists())
        again = self.call("post", "/api/v1/staff/auth/token/", data=data, key=key)
        self.assertEqual(again.status_code, 422)  # the code was used: not the token again
        self.assertNotIn("Idempotent-Replayed", again)

    def test_a_wrong_code_says_how_many_tries_are_left(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.call(
                "post",
                "/api/v1/auth/code/",
                data={"national_code": "0084575948", "mobile": "09121234567"},
            )
        wrong = "000000" if self.sms_code() != "000000" else "111111"
        got = self.call(
            "post", "/api/v1/auth/token/", data={"mobile": "09121234567", "code": wrong}
        )
        self.assertEqual(got.status_code, 422)
        self.assertIn("بار دیگر می‌توانید تلاش کنید", got.json()["detail"])
        self.assertFalse(ApiToken.objects.exists())

    def test_an_invalid_national_code_is_named_in_the_errors(self) -> None:
        got = self.call(
            "post",
            "/api/v1/auth/code/",
            data={"national_code": "0084575949", "mobile": "09121234567"},
        )
        self.assertEqual(got.status_code, 400)
        self.assertIn("national_code", got.json()["errors"])

    def test_staff_sign_in_with_password_refuses_a_wrong_one_neutrally(self) -> None:
        got = self.call(
            "post", "/api/v1/staff/auth/token/", data={"username": "expert", "password": "nope"}
        )
        self.assertEqual(got.status_code, 422)
        self.assertIn("ورود انجام نشد", got.json()["detail"])
        self.assertTrue(self.staff_sign_in(self.expert).startswith("mzt_"))

    def test_a_manager_needs_the_authenticator_code(self) -> None:
        device = create_totp_device(self.manager)
        data = {"username": "manager", "password": "a-Strong-pass-1404"}
        without = self.call("post", "/api/v1/staff/auth/token/", data=data)
        self.assertEqual(without.status_code, 422)
        self.assertIn("code", without.json()["errors"])
        right = self.call(
            "post", "/api/v1/staff/auth/token/", data={**data, "code": totp_code(device)}
        )
        self.assertEqual(right.status_code, 201)
        self.assertEqual(right.json()["kind"], "staff")
        wrong = self.call("post", "/api/v1/staff/auth/token/", data={**data, "code": "000000"})
        self.assertEqual(wrong.status_code, 422)

    def test_staff_who_must_enroll_a_second_factor_do_so_on_the_web_first(self) -> None:
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        got = self.call(
            "post",
            "/api/v1/staff/auth/token/",
            data={"username": admin.username, "password": "a-Strong-pass-1404"},
        )
        self.assertEqual(got.status_code, 422)
        self.assertIn("برنامه احراز هویت", got.json()["detail"])

    def test_a_citizen_token_cannot_use_staff_routes_nor_a_staff_token_citizen_ones(self) -> None:
        citizen = self.citizen_sign_in()
        staff = self.staff_sign_in(self.expert)
        self.assertEqual(self.call("get", "/api/v1/staff/inbox/", citizen).status_code, 403)
        self.assertEqual(self.call("get", "/api/v1/me/requests/", staff).status_code, 403)

    def test_a_deactivated_staff_members_token_stops_working(self) -> None:
        token = self.staff_sign_in(self.expert)
        User.objects.filter(pk=self.expert.pk).update(is_active=False)
        self.assertEqual(self.call("get", "/api/v1/staff/inbox/", token).status_code, 401)
