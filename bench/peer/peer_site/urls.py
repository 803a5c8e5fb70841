from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def empty(request: HttpRequest) -> HttpResponse:
    """The peer's own ceiling: its middleware and URL resolution, no work."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/empty/", empty),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
