"""Message templates: the text in force for an agency, and editing it as new versions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from desk.core.errors import ApplicationError
from desk.lib.persian import to_persian_digits
from desk.lib.sms import sms_parts
from desk.notifications.events import (
    EVENTS,
    Event,
    render,
    sample_context,
    unknown_placeholders,
)
from desk.notifications.models import MessageTemplate, TemplateVersion
from desk.notifications.selectors import template_current, templates_changed

MAX_PARTS = 6  # a template longer than this is a letter, not an SMS


def template_in_force(*, event: str, agency_id: int | None) -> TemplateVersion:
    """The version a message of `event` for the agency is written from now."""
    try:
        return template_current(event=event, agency_id=agency_id)
    except LookupError:
        return _default_version(EVENTS[event])


def _default_version(spec: Event) -> TemplateVersion:
    """Seed a default that is not in the database (an event added since the data migration,
    or a database emptied by a test) from its factory text."""
    try:
        with transaction.atomic():
            template, _created = MessageTemplate.objects.get_or_create(event=spec.slug, agency=None)
            version = template.versions.order_by("-number").first()
            if version is None:
                version = TemplateVersion.objects.create(
                    template=template, number=1, body=spec.default
                )
                templates_changed()
            return version
    except IntegrityError:  # seeded by a parallel transaction meanwhile
        return TemplateVersion.objects.filter(
            template__event=spec.slug, template__agency__isnull=True
        ).latest("number")


# --- Templates ---------------------------------------------------------------------------------


def _check_text(spec: Event, *, body: str, subject: str) -> None:
    """A text that names only the event's placeholders and fits in MAX_PARTS SMS parts."""
    if not body:
        raise ApplicationError(_("متن پیام را بنویسید."), field="body")
    unknown = unknown_placeholders(spec, body) + unknown_placeholders(spec, subject)
    if unknown:
        allowed = "، ".join("{" + p.name + "}" for p in spec.placeholders)
        raise ApplicationError(
            _("جای‌خالی «%(name)s» برای این پیام تعریف نشده است. مجاز: %(allowed)s")
            % {"name": unknown[0], "allowed": allowed},
            field="body",
        )
    if sms_parts(render(spec, body, sample_context(spec))) > MAX_PARTS:
        raise ApplicationError(
            _("این متن بیش از %(n)s پیامک می‌شود؛ کوتاه‌ترش کنید.")
            % {"n": to_persian_digits(MAX_PARTS)},
            field="body",
        )


@transaction.atomic
def template_edit(
    *,
    event: str,
    agency_id: int | None,
    body: str,
    subject: str = "",
    user_id: int | None = None,
) -> TemplateVersion:
    """Save a template's text as a new version (the agency's override, or the default when
    `agency_id` is None). An unchanged text adds no version."""
    spec = EVENTS.get(event)
    if spec is None:
        raise ApplicationError(_("این رویداد شناخته‌شده نیست."))
    body = body.replace("\r\n", "\n").strip()
    subject = subject.strip()
    _check_text(spec, body=body, subject=subject)
    scope = {"agency__isnull": True} if agency_id is None else {"agency_id": agency_id}
    template, _created = MessageTemplate.objects.select_for_update().get_or_create(
        event=event, **scope
    )
    latest = template.versions.order_by("-number").first()
    if not template.is_active:
        template.is_active = True
        template.save(update_fields=["is_active"])
        templates_changed()
    if latest is not None and latest.body == body and latest.subject == subject:
        return latest
    version = TemplateVersion.objects.create(
        template=template,
        number=(latest.number + 1) if latest else 1,
        body=body,
        subject=subject,
        created_by_id=user_id,
    )
    templates_changed()
    return version


@transaction.atomic
def template_reset(*, event: str, agency_id: int) -> None:
    """Go back to the default text: the override is switched off, its versions kept."""
    MessageTemplate.objects.filter(event=event, agency_id=agency_id).update(is_active=False)
    templates_changed()
