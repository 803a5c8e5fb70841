from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

# The client's address behind the proxy is settled by desk.core.forwarded.ClientAddressMiddleware
# (TRUSTED_PROXIES), for every server alike.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
application = get_wsgi_application()
