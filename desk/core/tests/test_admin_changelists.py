"""Every change list of the admin, walked as the operator (over desk/tests/world.py's rows):
its filters' titles and its columns' headers are Persian. A filter or a column added later with
an English name (a field without ``verbose_name``, a ``list_display`` method without
``description``) fails here."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.contrib.admin import FieldListFilter
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.utils import get_fields_from_path
from django.test import override_settings
from django.urls import reverse
from django.utils.html import strip_tags

from desk.test import BaseTestCase
from desk.tests.world import build_world

# Headers and titles allowed to stay in Latin letters, each with its reason. None today.
ALLOWED_ENGLISH: dict[str, str] = {}


def _is_english(text: str) -> bool:
    """Latin letters and nothing else: a header or a title nobody translated."""
    shown = strip_tags(text).strip()
    return bool(re.search(r"[A-Za-z]", shown)) and shown.isascii() and shown not in ALLOWED_ENGLISH


def filter_titles(cl: Any, request: Any) -> list[str]:
    """The title of every filter the admin declares, shown or not: Django leaves out a filter
    with nothing to offer (a related filter over an empty table), and its title still counts."""
    titles = []
    for spec in cl.model_admin.get_list_filter(request):
        if not isinstance(spec, list | tuple) and callable(spec):
            made = spec(request, {}, cl.model, cl.model_admin)
        else:
            path, filter_class = spec if isinstance(spec, list | tuple) else (spec, None)
            field = get_fields_from_path(cl.model, path)[-1]
            make = filter_class or FieldListFilter.create
            made = make(field, request, {}, cl.model, cl.model_admin, field_path=path)
        titles.append(str(made.title))
    return titles


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ChangeListsInPersianTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        _a, _b, root = build_world(self.agency, self.other_agency, self.citizen)
        self.client.force_login(root)

    def test_every_changelists_filters_and_columns_have_persian_names(self) -> None:
        english: list[str] = []
        for model in admin.site._registry:
            label = model._meta.label_lower
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, label)
            cl: Any = response.context["cl"]
            headers = [
                str(header["text"])
                for header in result_headers(cl)
                if "action-checkbox-column" not in str(header.get("class_attrib", ""))
            ]
            shown = [str(spec.title) for spec in cl.filter_specs]
            titles = filter_titles(cl, response.wsgi_request)
            self.assertLessEqual(set(shown), set(titles), label)
            english += [f"{label}: filter «{t}»" for t in titles if _is_english(t)]
            english += [f"{label}: column «{h}»" for h in headers if _is_english(h)]
        self.assertEqual(english, [], "\n".join(english))

    def test_a_changelist_names_its_filters_in_persian_on_the_page(self) -> None:
        response = self.client.get(reverse("admin:payments_payment_changelist"))
        for title in ("وضعیت", "درگاه"):
            self.assertContains(response, f'data-filter-title="{title}"')
        response = self.client.get(reverse("admin:letters_register_changelist"))
        self.assertContains(response, '<a href="?o=1">دستگاه</a>', html=False)

    def test_the_outbox_names_each_message_by_its_event_and_shows_numbers_left_to_right(
        self,
    ) -> None:
        from desk.notifications.models import OutboundMessage

        message = OutboundMessage.objects.create(
            to="+989121234567", channel="sms", kind="letter_registered", body="نامه ثبت شد."
        )
        response = self.client.get(
            reverse("admin:notifications_outboundmessage_changelist"), {"kind": message.kind}
        )
        self.assertContains(response, "ثبت نامه در دبیرخانه")  # the event's name, not its code
        self.assertNotContains(response, ">letter_registered<")
        self.assertContains(response, '<bdi dir="ltr">+۹۸۹۱۲۱۲۳۴۵۶۷</bdi>', html=True)
        found = list(response.context["cl"].result_list)
        self.assertIn(message, found)
        self.assertEqual({m.kind for m in found}, {"letter_registered"})  # the filter applied

    def test_the_change_log_names_models_and_changes_in_persian(self) -> None:
        from auditlog.models import LogEntry

        self.service.title = "عنوان تازه"
        self.service.save()
        entry = LogEntry.objects.get_for_object(self.service).latest("timestamp")
        response = self.client.get(reverse("admin:auditlog_logentry_changelist"))
        self.assertEqual(response.status_code, 200)
        lookups = dict(response.context["cl"].filter_specs[1].lookup_choices)
        self.assertEqual(lookups[str(entry.content_type_id)], "خدمت")
        self.assertNotIn("service", lookups.values())
        self.assertContains(response, "تغییر: عنوان خدمت")
        self.assertNotContains(response, "changes:")
        filtered = self.client.get(
            reverse("admin:auditlog_logentry_changelist"),
            {"resource_type": entry.content_type_id},
        )
        self.assertIn(entry, list(filtered.context["cl"].result_list))

    def test_a_row_not_there_is_named_with_persian_digits(self) -> None:
        url = reverse("admin:catalog_service_change", args=[987654])
        response = self.client.get(url, follow=True)
        self.assertContains(response, "«۹۸۷۶۵۴»")
        self.assertNotContains(response, "987654")
