"""Which gateway an agency's account speaks, with its credentials from the environment."""

from __future__ import annotations

from django.conf import settings

from desk.payments.gateways.base import Credentials, Gateway, GatewayError, default_transport
from desk.payments.models import GatewayAccount, Provider


def credentials_for(name: str) -> Credentials:
    entry = settings.PAYMENT_CREDENTIALS.get(name) if name else None
    if not entry:
        return Credentials()
    return Credentials(
        merchant_id=str(entry.get("merchant_id", "")),
        terminal_id=str(entry.get("terminal_id", "")),
        username=str(entry.get("username", "")),
        password=str(entry.get("password", "")),
    )


def gateway_for(account: GatewayAccount) -> Gateway:
    """The client of ``account``'s gateway. Raises GatewayError when it cannot be used."""
    from desk.payments.gateways.fake import FakeGateway
    from desk.payments.gateways.mellat import MellatGateway
    from desk.payments.gateways.sep import SepGateway
    from desk.payments.gateways.zarinpal import BASE_URL, SANDBOX_URL, ZarinpalGateway

    transport = default_transport(settings.PAYMENT_TIMEOUT_SECONDS)
    credentials = credentials_for(account.credentials_name)
    if account.provider == Provider.FAKE:
        if not settings.PAYMENT_FAKE_ALLOWED:
            raise GatewayError("the fake gateway is off in this installation", code="config")
        return FakeGateway()
    if account.provider == Provider.ZARINPAL:
        base = SANDBOX_URL if settings.PAYMENT_ZARINPAL_SANDBOX else BASE_URL
        return ZarinpalGateway(credentials=credentials, transport=transport, base_url=base)
    if account.provider == Provider.MELLAT:
        return MellatGateway(credentials=credentials, transport=transport)
    if account.provider == Provider.SEP:
        return SepGateway(credentials=credentials, transport=transport)
    raise GatewayError(f"unknown provider {account.provider!r}", code="config")
