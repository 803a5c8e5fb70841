"""Helpers of the API tests: sign-ins through the API, calls with a token."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.test import override_settings

from desk.accounts.models import User
from desk.api.models import TokenKind
from desk.api.services import api_token_issue
from desk.lib.persian import to_ascii_digits
from desk.notifications.backends.local import MemoryBackend
from desk.test import BaseTestCase, create_totp_device, totp_code


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(user: User, kind: TokenKind | None = None) -> str:
    """A token as if the person had signed in through the API."""
    if kind is None:
        kind = TokenKind.CITIZEN if user.national_code else TokenKind.STAFF
    return api_token_issue(user=user, kind=kind).raw


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ApiTestCase(BaseTestCase):
    def call(
        self,
        method: str,
        url: str,
        token: str | None = None,
        data: Any = None,
        *,
        key: str | None = None,
        multipart: bool = False,
        **headers: Any,
    ) -> Any:
        if token and token.startswith("mzk_"):
            headers.update(key_header(token))
        elif token:
            headers.update(bearer(token))
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        send = getattr(self.client, method)
        if method == "get":
            return send(url, data or {}, **headers)
        if multipart:
            return send(url, data or {}, **headers)
        return send(url, data or {}, content_type="application/json", **headers)

    def sms_code(self) -> str:
        for sms in reversed(MemoryBackend.outbox):
            found = re.search(r"[۰-۹0-9]{6}", sms["body"])
            if found:
                return to_ascii_digits(found.group(0))
        self.fail("no sign-in SMS")

    def citizen_sign_in(
        self, national_code: str = "0084575948", mobile: str = "09121234567"
    ) -> str:
        with self.captureOnCommitCallbacks(execute=True):
            sent = self.call(
                "post",
                "/api/v1/auth/code/",
                data={"national_code": national_code, "mobile": mobile},
            )
        self.assertEqual(sent.status_code, 202, sent.content)
        got = self.call(
            "post", "/api/v1/auth/token/", data={"mobile": mobile, "code": self.sms_code()}
        )
        self.assertEqual(got.status_code, 201, got.content)
        token: str = got.json()["token"]
        return token

    def staff_sign_in(self, user: User) -> str:
        data = {"username": user.username, "password": "a-Strong-pass-1404"}
        if user.staff.role in ("manager", "admin"):
            data["code"] = totp_code(create_totp_device(user))
        got = self.call("post", "/api/v1/staff/auth/token/", data=data)
        self.assertEqual(got.status_code, 201, got.content)
        token: str = got.json()["token"]
        return token


def agency_key(agency: Any, *scopes: str) -> str:
    """An agency's API key (desk/integrations) with ``scopes`` (all of them by default)."""
    from desk.integrations.models import Scope
    from desk.integrations.services import api_key_create

    created = api_key_create(
        agency=agency, name="سامانه آزمون", scopes=scopes or Scope.values, created_by=None
    )
    return created.raw


def key_header(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"ApiKey {raw}"}


def new_key() -> str:
    return str(uuid.uuid4())
