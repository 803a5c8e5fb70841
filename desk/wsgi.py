from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from desk.core.forwarded import RealIPMiddleware, trusted_proxies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
application = get_wsgi_application()
if trusted_proxies():
    application = RealIPMiddleware(application, trusted_proxies())  # type: ignore[assignment]
