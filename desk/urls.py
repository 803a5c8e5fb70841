"""Every app under its own prefix; the catalog, the site's front door, owns the root.

Paths that were printed or texted to people before the prefixes (QR codes on result PDFs, SMS
links, bookmarks) answer with a permanent redirect to the same page (``LEGACY_REDIRECTS``), and
the SMS providers' webhook addresses, configured in their panels, keep working as they are.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from desk.accounts.views import admin_login
from desk.notifications import views as notification_views
from desk.submissions import views as submission_views
from desk.surveys import views as survey_views

admin.site.site_header = _("میز خدمت — مدیریت")
admin.site.site_title = _("میز خدمت")
# One door: the admin's sign-in page leads to the staff sign-in, its lockout and two-factor step.
admin.site.login = admin_login  # type: ignore[method-assign,assignment]


def _moved(old: str, name: str) -> URLPattern:
    """301 from a path used before the per-app prefixes to the page now called ``name``."""
    view = RedirectView.as_view(pattern_name=name, permanent=True, query_string=True)
    return path(old, view)


LEGACY_REDIRECTS = [
    _moved("verify/", "delivery:verify"),
    _moved("verify/<digits:code>/", "delivery:verify_code"),
    _moved("track/", "submissions:track"),
    _moved("my/", "submissions:my_requests"),
    _moved("my/appointments/", "appointments:mine"),
    _moved("my/appointments/<digits:code>/", "appointments:detail"),
    _moved("my/<digits:code>/", "submissions:my_request"),
    _moved("my/<digits:code>/receipt/", "submissions:receipt"),
    _moved("files/<uuid:public_id>/", "submissions:download"),
    _moved("services/<slug:slug>/apply/", "submissions:apply"),
    _moved("services/<slug:slug>/appointment/", "appointments:book"),
    _moved("login/", "accounts:citizen_login"),
    _moved("profile/", "accounts:profile"),
    _moved("staff/", "submissions:inbox"),
    _moved("staff/login/", "accounts:staff_login"),
    _moved("staff/requests/<digits:code>/", "submissions:staff_request"),
    _moved("staff/appointments/", "appointments:desk"),
    _moved("staff/messages/", "notifications:failures"),
]

# A redirect would turn the providers' POSTs into GETs: the old webhook paths call the views.
LEGACY_WEBHOOKS = [
    path("hooks/sms/<slug:provider>/receipts/", notification_views.receipt_webhook),
    path("hooks/sms/<slug:provider>/receipts/<str:token>/", notification_views.receipt_webhook),
    path("hooks/sms/<slug:provider>/inbound/", notification_views.inbound_webhook),
    path("hooks/sms/<slug:provider>/inbound/<str:token>/", notification_views.inbound_webhook),
]

# Texted to people, where every character counts: kept out of the prefixes on purpose.
SHORT_LINKS = [
    path("r/<digits:code>/", submission_views.short, name="short_link"),
    path("s/<slug:token>/", survey_views.short, name="survey_short"),
]

urlpatterns = [
    path("", include("desk.catalog.urls")),  # /, services/, agencies/, categories/
    path("accounts/", include("desk.accounts.urls")),
    path("requests/", include("desk.submissions.urls")),
    path("appointments/", include("desk.appointments.urls")),
    path("documents/", include("desk.delivery.urls")),
    path("messages/", include("desk.notifications.urls")),
    path("payments/", include("desk.payments.urls")),
    path("frontdesk/", include("desk.frontdesk.urls")),
    path("letters/", include("desk.letters.urls")),
    path("complaints/", include("desk.complaints.urls")),
    path("surveys/", include("desk.surveys.urls")),
    path("oversight/", include("desk.oversight.urls")),
    path("inquiries/", include("desk.inquiries.urls")),
    path("api/", include("desk.api.urls")),
    path("evaluation/", include("desk.evaluation.urls")),
    path("catalog/", include("desk.integrations.urls")),  # the national catalog export
    path("", include("desk.health.urls")),  # healthz/ (load balancers), bench/empty/
    path("admin/", admin.site.urls),
    *SHORT_LINKS,
    *LEGACY_REDIRECTS,
    *LEGACY_WEBHOOKS,
]

# Redis or the database unreachable outside a view is the Persian 503 page, not a 500.
handler500 = "desk.core.outage.server_error"
