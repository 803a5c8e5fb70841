"""The OpenAPI document and its reading page (Swagger UI from our own static files)."""

from __future__ import annotations

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


# Swagger UI sets style attributes as it draws: styles inline on this page only; its script
# comes from this site (static/api/docs.js starts it), never a CDN.
@csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["'self'", "data:"]})
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any /api/ address no route matches: a problem document, not the HTML 404 page."""
    from django.http import JsonResponse

    from desk.api.problems import PROBLEM_CONTENT_TYPE, PROBLEMS

    problem = PROBLEMS["not-found"]
    body = {
        "type": problem.type,
        "title": str(problem.title),
        "status": 404,
        "detail": "این نشانی در رابط برنامه‌نویسی نیست.",
    }
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
