"""Sign-in for apps: citizens by an SMS code, staff by password and their second factor, as on
the web (desk/accounts/services.py), ending in a bearer token instead of a session."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from desk.accounts import services as accounts
from desk.accounts import two_factor
from desk.accounts.models import User
from desk.api import serializers as s
from desk.api.idempotency import idempotent
from desk.api.models import ApiToken, TokenKind
from desk.api.permissions import IsCitizen
from desk.api.services import IssuedToken, api_token_issue, api_token_revoke
from desk.api.views.base import ApiView, address
from desk.core.errors import ApplicationError

TAG = ["sign-in"]


def token_out(issued: IssuedToken) -> dict[str, object]:
    return {
        "token": issued.raw,
        "kind": issued.token.kind,
        "expires_at": issued.token.expires_at,
        "person": issued.token.user,
    }


class CodeRequest(ApiView):
    @extend_schema(
        tags=TAG,
        summary="Text a sign-in code to the citizen's mobile",
        request=s.CodeRequestIn,
        responses={202: s.CodeSentOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        form = s.CodeRequestIn(data=request.data)
        form.is_valid(raise_exception=True)
        sent = accounts.otp_request(**form.validated_data, ip=address(request))
        body = {"mobile": sent.mobile, "expires_in": sent.expires_in}
        return Response(s.CodeSentOut(body).data, status=status.HTTP_202_ACCEPTED)


# The two token endpoints take no Idempotency-Key: a token is shown once and kept only as its
# hash (ApiToken), and an idempotency record would keep the whole answer, token included, to
# replay it. A client that lost the answer signs in again.
class CitizenToken(ApiView):
    @extend_schema(
        tags=TAG,
        summary="Exchange the texted code for a citizen's token",
        request=s.CitizenTokenIn,
        responses={201: s.TokenOut},
    )
    def post(self, request: Request) -> Response:
        form = s.CitizenTokenIn(data=request.data)
        form.is_valid(raise_exception=True)
        user = accounts.otp_verify(**form.validated_data)
        issued = api_token_issue(user=user, kind=TokenKind.CITIZEN)
        return Response(s.TokenOut(token_out(issued)).data, status=status.HTTP_201_CREATED)


class StaffToken(ApiView):
    @extend_schema(
        tags=TAG,
        summary="A staff member's token: password, and the authenticator's code when enrolled",
        request=s.StaffTokenIn,
        responses={201: s.TokenOut},
    )
    def post(self, request: Request) -> Response:
        form = s.StaffTokenIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ip = address(request)
        user = accounts.staff_authenticate(
            request=request._request, username=data["username"], password=data["password"], ip=ip
        )
        _second_factor(user, data.get("code", ""), ip)
        issued = api_token_issue(user=user, kind=TokenKind.STAFF)
        return Response(s.TokenOut(token_out(issued)).data, status=status.HTTP_201_CREATED)


def _second_factor(user: User, code: str, ip: str) -> None:
    """The web's second step: a code when the person enrolled an authenticator; one who must
    use two-factor sign-in and has not enrolled does so on the web first."""
    if two_factor.has_two_factor(user):
        if not code:
            raise ApplicationError(_("کد برنامه احراز هویت را وارد کنید."), field="code")
        accounts.staff_two_factor_verify(user=user, code=code, ip=ip)
    elif two_factor.two_factor_required(user):
        raise ApplicationError(
            _(
                "برای ورود باید ورود دومرحله‌ای را فعال کنید. یک بار در وب‌گاه وارد شوید و "
                "برنامه احراز هویت را ثبت کنید."
            )
        )


class SignOut(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        summary="Revoke the token of this call (sign out)",
        request=None,
        responses={204: OpenApiResponse(description="revoked")},
    )
    def delete(self, request: Request) -> Response:
        assert isinstance(request.auth, ApiToken)
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Me(ApiView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAG, summary="The signed-in citizen", responses={200: s.PersonOut})
    def get(self, request: Request) -> Response:
        return Response(s.PersonOut(request.user).data)

    @extend_schema(
        tags=TAG,
        summary="The citizen's name (asked once after the first sign-in)",
        request=s.ProfileIn,
        responses={200: s.PersonOut},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        form = s.ProfileIn(data=request.data)
        form.is_valid(raise_exception=True)
        assert isinstance(request.user, User)
        user = accounts.citizen_update_profile(user=request.user, **form.validated_data)
        return Response(s.PersonOut(user).data)
