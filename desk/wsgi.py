from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

# The client's address behind the proxy is settled by desk.core.forwarded.ClientAddressMiddleware
# (TRUSTED_PROXIES), for every server alike.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules, settings) lives as long as the
# process: kept out of the cyclic garbage collector, so that its full collections stop walking
# it again and again (issue 19: 7 M instructions of the 34 M of «send» on an application), and
# so that gunicorn's workers (preload_app) share these pages with the master instead of
# copying them when the collector writes its counts. Garbage made while loading goes first.
gc.collect()
gc.freeze()
