"""Generated outsider sweep over every registered ModelAdmin.

Every admin is classified below. As agency A's admin, for agency B's rows of every
agency-scoped admin: the list leaves them out; their change, delete and history pages answer
403/404 or send back to the index without them; a POST naming them changes nothing; and every
foreign-key and many-to-many choice on A's forms (inlines included) excludes them, a POST
choosing one of them being refused. Operators-only admins refuse an agency admin outright.
An admin registered later without a line in ADMIN_CLASSES fails the first test.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.forms import BaseForm, ModelChoiceField
from django.forms.models import model_to_dict
from django.test import RequestFactory, override_settings
from django.urls import reverse

from desk.agencies import access
from desk.agencies.admin import AgencyScopedAdmin, ScopedInline, owner_path
from desk.test import BaseTestCase
from desk.tests.world import build_world

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SCOPED = "agency-scoped"  # agency admins: their own agency's rows, through AgencyScopedAdmin
OPERATORS = "operators only"  # the system's superusers; agency admins get 403

ADMIN_CLASSES: dict[str, str] = {
    "accounts.user": OPERATORS,
    "api.apitoken": OPERATORS,
    "agencies.agency": OPERATORS,
    "auth.group": OPERATORS,
    "auditlog.logentry": OPERATORS,
    "audit.auditentry": OPERATORS,
    "registries.adaptercall": OPERATORS,
    "catalog.category": OPERATORS,
    "catalog.service": SCOPED,
    "workflow.department": SCOPED,
    "workflow.workflowversion": SCOPED,
    "workflow.step": SCOPED,
    "workflow.escalationrule": SCOPED,
    "calendars.weeklydaysoff": SCOPED,
    "calendars.officehours": SCOPED,
    "calendars.closure": SCOPED,
    "calendars.holidayoverride": OPERATORS,
    "appointments.office": SCOPED,
    "appointments.policy": SCOPED,
    "appointments.slottemplate": SCOPED,
    "appointments.slotexception": SCOPED,
    "appointments.appointment": SCOPED,
    "appointments.breach": SCOPED,
    "payments.servicefee": SCOPED,
    "letters.register": SCOPED,
    "payments.gatewayaccount": SCOPED,
    "payments.payment": SCOPED,
    "complaints.complaintpolicy": SCOPED,
    "surveys.servicesurvey": SCOPED,
    "surveys.surveyform": OPERATORS,
    "surveys.formversion": OPERATORS,
    "surveys.redflag": OPERATORS,
    "inquiries.inquiryrule": SCOPED,
    "inquiries.peer": OPERATORS,
    "inquiries.inquiry": OPERATORS,
    "inquiries.inquirylog": OPERATORS,
    "integrations.apikey": SCOPED,
    "integrations.webhookendpoint": SCOPED,
    "integrations.webhookdelivery": SCOPED,
    "notifications.outboundmessage": OPERATORS,
    "notifications.messagetemplate": OPERATORS,
    "notifications.deliveryreceipt": OPERATORS,
    "notifications.inboundmessage": OPERATORS,
    # National checklists and the cycles built on them: operators (evaluators work on the
    # staff pages under /evaluation/).
    "evaluation.template": OPERATORS,
    "evaluation.axis": OPERATORS,
    "evaluation.cycle": OPERATORS,
    "evaluation.assessment": OPERATORS,
}

ALLOWED_REFUSALS = {302, 403, 404}


def _url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _registered(kind: str) -> list[tuple[type[Model], admin.ModelAdmin[Any]]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if ADMIN_CLASSES.get(model._meta.label_lower) == kind
    ]


def _form_data(form: BaseForm) -> dict[str, Any]:
    """What a browser would post back for ``form``, unchanged."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.field.prepare_value(bound.value())
        if value is True:
            data[bound.html_name] = "on"
            continue
        value = bound.field.widget.format_value(value)
        if value is None or value is False or value == "":
            continue
        data[bound.html_name] = value
    return data


def _forms(response: Response) -> list[BaseForm]:
    """The page's main form and every form of its inlines (the blank one included)."""
    context: Any = response.context
    forms: list[BaseForm] = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms.extend(inline.formset.forms)
        forms.append(inline.formset.empty_form)
    return forms


def _post_data(response: Response) -> dict[str, Any]:
    context: Any = response.context
    data = _form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_data(form))
    return data


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class AdminSweepTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a, self.b, self.root = build_world(self.agency, self.other_agency, self.citizen)
        self.client.force_login(self.a.admin)
        # Every refusal logs a warning; hundreds of them would bury the suite's output.
        requests_log = logging.getLogger("django.request")
        self.addCleanup(requests_log.setLevel, requests_log.level)
        requests_log.setLevel(logging.ERROR)

    def rows(self, model: type[Model], side: Any) -> list[Model]:
        path = owner_path(model)
        assert path is not None, f"{model._meta.label} has no agency"
        found = list(model._default_manager.filter(**{path: side.agency.pk}))
        self.assertTrue(found, f"desk/tests/world.py builds no {model._meta.label} row")
        return found

    def get(self, url: str) -> Response:
        return self.client.get(url)

    # --- the table -------------------------------------------------------------------------------

    def test_every_registered_admin_is_classified(self) -> None:
        registered = {model._meta.label_lower for model in admin.site._registry}
        self.assertEqual(
            registered - ADMIN_CLASSES.keys(),
            set(),
            "classify each new admin in ADMIN_CLASSES (desk/tests/test_admin_sweep.py)",
        )
        self.assertEqual(ADMIN_CLASSES.keys() - registered, set(), "no longer registered")

    def test_agency_scoped_admins_use_the_one_base_for_themselves_and_their_inlines(self) -> None:
        for model, model_admin in _registered(SCOPED):
            with self.subTest(admin=model._meta.label):
                self.assertIsInstance(model_admin, AgencyScopedAdmin)
                for inline in model_admin.inlines:
                    self.assertTrue(issubclass(inline, ScopedInline), inline)

    def test_the_agency_admins_permission_set_names_real_models(self) -> None:
        for label in access.AGENCY_ADMIN_PERMISSIONS:
            with self.subTest(label=label):
                self.assertIsNotNone(apps.get_model(label))
                self.assertEqual(ADMIN_CLASSES.get(label, SCOPED), SCOPED)  # never an operator's

    def test_the_agency_admins_index_lists_exactly_their_jobs_models(self) -> None:
        r = self.get(reverse("admin:index"))
        listed = {
            f"{app['app_label']}.{model['object_name']}".lower()
            for app in r.context["app_list"]
            for model in app["models"]
        }
        expected = {
            model._meta.label_lower
            for model, model_admin in _registered(SCOPED)
            if model_admin.has_module_permission(self._request())
        }
        self.assertEqual(listed, expected)
        self.assertLessEqual(listed, set(access.AGENCY_ADMIN_PERMISSIONS))
        self.assertIn("workflow.escalationrule", listed)

    # --- operators only --------------------------------------------------------------------------

    def test_operators_only_admins_refuse_an_agency_admin(self) -> None:
        for model, model_admin in _registered(OPERATORS):
            urls = [_url(model, "changelist"), _url(model, "add")]
            row = model._default_manager.first()
            if row is not None:
                urls += [_url(model, view, row.pk) for view in ("change", "delete", "history")]
            for url in urls:
                with self.subTest(url=url):
                    self.assertIn(self.get(url).status_code, {302, 403})
            with self.subTest(admin=model._meta.label):
                self.assertFalse(model_admin.has_module_permission(self._request()))

    def _request(self) -> Any:
        request = RequestFactory().get("/admin/")
        request.user = self.a.admin
        return request

    # --- agency-scoped: another agency's rows ---------------------------------------------------

    def test_an_agency_admin_never_lists_another_agencys_rows(self) -> None:
        for model, _admin in _registered(SCOPED):
            theirs = self.rows(model, self.b)
            ours = self.rows(model, self.a)
            with self.subTest(admin=model._meta.label):
                r = self.get(_url(model, "changelist"))
                self.assertIn(r.status_code, {200, 403})
                if r.status_code != 200:
                    continue
                listed = {row.pk for row in r.context["cl"].result_list}
                self.assertFalse(listed & {row.pk for row in theirs})
                self.assertTrue(listed & {row.pk for row in ours})
                for row in theirs:
                    self.assertNotContains(r, _url(model, "change", row.pk))
                self.assertNotContains(r, "«ب»")
                self.assertNotContains(r, " ب<")

    def test_an_agency_admin_cannot_open_another_agencys_rows(self) -> None:
        for model, _admin in _registered(SCOPED):
            for row in self.rows(model, self.b)[:2]:
                for view in ("change", "delete", "history"):
                    url = _url(model, view, row.pk)
                    with self.subTest(url=url):
                        r = self.get(url)
                        self.assertIn(r.status_code, ALLOWED_REFUSALS)
                        if r.status_code == 302:
                            self.assertEqual(r["Location"], reverse("admin:index"))

    def test_a_post_naming_another_agencys_row_changes_nothing(self) -> None:
        for model, _admin in _registered(SCOPED):
            for row in self.rows(model, self.b)[:2]:
                before = model_to_dict(row)
                with self.subTest(admin=model._meta.label, row=row.pk):
                    for view, data in (("change", before), ("delete", {"post": "yes"})):
                        r = self.client.post(_url(model, view, row.pk), _plain(data))
                        self.assertIn(r.status_code, ALLOWED_REFUSALS)
                    self.assertEqual(model_to_dict(model._default_manager.get(pk=row.pk)), before)

    # --- agency-scoped: choices on the agency admin's own forms ---------------------------------

    def _own_pages(self, model: type[Model]) -> list[Response]:
        pages = []
        for url in (_url(model, "add"), _url(model, "change", self.rows(model, self.a)[0].pk)):
            r = self.get(url)
            if r.status_code == 200:
                pages.append(r)
        return pages

    def test_every_choice_on_an_agency_admins_forms_is_their_own(self) -> None:
        checked = 0
        for model, _admin in _registered(SCOPED):
            for page in self._own_pages(model):
                for form in _forms(page):
                    for name, field in form.fields.items():
                        queryset = getattr(field, "queryset", None)
                        path = owner_path(queryset.model) if queryset is not None else None
                        if queryset is None or path is None:
                            continue
                        with self.subTest(admin=model._meta.label, field=name):
                            checked += 1
                            theirs = queryset.filter(**{path: self.b.agency.pk})
                            self.assertFalse(theirs.exists(), list(theirs[:3]))
        self.assertGreater(checked, 20)  # the sweep reached the forms it is meant for

    def test_a_post_choosing_another_agencys_row_is_refused(self) -> None:
        refused = 0
        for model, _admin in _registered(SCOPED):
            own = self.rows(model, self.a)[0]
            url = _url(model, "change", own.pk)
            page = self.get(url)
            if page.status_code != 200 or not page.context["has_change_permission"]:
                continue
            data = _post_data(page)
            for form in _forms(page)[:-1] if len(_forms(page)) > 1 else _forms(page):
                for bound in form:
                    field = bound.field
                    if not isinstance(field, ModelChoiceField) or bound.html_name not in data:
                        continue
                    related: Any = field.queryset.model  # type: ignore[union-attr]
                    path = owner_path(related)
                    theirs = (
                        related._default_manager.filter(**{path: self.b.agency.pk}).first()
                        if path
                        else None
                    )
                    if theirs is None:
                        continue
                    with self.subTest(admin=model._meta.label, field=bound.html_name):
                        before = model_to_dict(model._default_manager.get(pk=own.pk))
                        r = self.client.post(url, {**data, bound.html_name: str(theirs.pk)})
                        self.assertEqual(r.status_code, 200)  # the form again, with its error
                        after = model_to_dict(model._default_manager.get(pk=own.pk))
                        self.assertEqual(after, before)
                        refused += 1
        self.assertGreater(refused, 5)

    def test_an_agency_admin_saves_their_own_row_unchanged(self) -> None:
        """The baseline of the refusals above: the same POST with the row's own values is
        accepted, so a refusal is the foreign choice's doing."""
        for model, _admin in _registered(SCOPED):
            own = self.rows(model, self.a)[0]
            url = _url(model, "change", own.pk)
            page = self.get(url)
            if page.status_code != 200 or not page.context["has_change_permission"]:
                continue
            with self.subTest(admin=model._meta.label):
                r = self.client.post(url, _post_data(page))
                errors = r.context["errors"] if r.status_code == 200 else None
                self.assertEqual(r.status_code, 302, errors)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """model_to_dict's values as a form would post them."""
    plain: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list):
            plain[key] = [getattr(v, "pk", v) for v in value]
        else:
            plain[key] = str(getattr(value, "pk", value))
    return plain
