"""The form as a citizen sees it, previewed beside the service card in the admin.

The admin's change form posts itself here (a «پیش‌نمایش فرم» button aimed at the preview
frame, without JavaScript; desk/admin-preview.js posts it again as the admin types): the
rows of the form-field and document inlines, saved or not, become unsaved ``FormField`` and
``RequiredDocument`` objects, and the citizen's apply form is drawn from them with the site's
own layout. Nothing is saved. A GET draws the saved form.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict

from desk.catalog.forms import ApplicationForm
from desk.catalog.models import FieldKind, FormField, RequiredDocument, Service
from desk.catalog.selectors import documents_mismatch

FIELDS_PREFIX = "form_fields"  # the inlines' formset prefixes (their related names)
DOCUMENTS_PREFIX = "documents"


def _rows(data: QueryDict, prefix: str) -> list[dict[str, str]]:
    """The inline formset's rows as posted, less the deleted ones."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", "0")), 200)
    except ValueError:
        return []
    rows = []
    for index in range(total):
        start = f"{prefix}-{index}-"
        row = {
            key.removeprefix(start): str(data.get(key, "")) for key in data if key.startswith(start)
        }
        if row and not row.get("DELETE"):
            rows.append(row)
    return rows


def _order(row: dict[str, str]) -> int:
    try:
        return int(row.get("order") or 0)
    except ValueError:
        return 0


def posted_fields(service: Service, data: QueryDict) -> list[FormField]:
    """The form's fields as the admin's form stands: named, labelled, of a known kind."""
    kinds = set(FieldKind.values)
    fields = [
        FormField(
            service=service,
            order=_order(row),
            name=row.get("name", "").strip(),
            label=row.get("label", "").strip(),
            kind=row.get("kind", ""),
            required=bool(row.get("required")),
            help_text=row.get("help_text", ""),
            choices=row.get("choices", ""),
            registry=row.get("registry", ""),
        )
        for row in _rows(data, FIELDS_PREFIX)
    ]
    usable = [f for f in fields if f.name and f.label and f.kind in kinds]
    return sorted(usable, key=lambda f: f.order)


def posted_documents(service: Service, data: QueryDict) -> list[RequiredDocument]:
    documents = [
        RequiredDocument(
            service=service,
            order=_order(row),
            title=row.get("title", "").strip(),
            is_required=bool(row.get("is_required")),
        )
        for row in _rows(data, DOCUMENTS_PREFIX)
    ]
    return sorted((d for d in documents if d.title), key=lambda d: d.order)


def preview_context(request: HttpRequest, service: Service) -> dict[str, Any]:
    if request.method == "POST":
        fields = posted_fields(service, request.POST)
        documents = posted_documents(service, request.POST)
    else:
        fields = list(service.form_fields.all())
        documents = list(service.documents.all())
    # Unbound and never posted anywhere: only drawn. Names of fields are deduplicated as
    # Django's form would keep only the last of two with one name.
    form = ApplicationForm(service=service, specs=fields, auto_id="preview_%s")
    return {
        "service": service,
        "form": form,
        "documents": documents,
        "mismatch": documents_mismatch(service, documents, fields),
    }
