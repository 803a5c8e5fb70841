#!/usr/bin/env python
"""The benchmark's peer: django-helpdesk in a minimal site, run from bench/.peer (its own venv)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
