"""The audit log: append-only rows, hash-chained per agency (and one national chain)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from desk.lib.persian import to_persian_digits

NATIONAL_SCOPE = "national"


class AppendOnlyError(RuntimeError):
    """An audit row was about to be changed or deleted: the log is append-only."""


class Action(models.TextChoices):
    """The actions this codebase records. Other dotted names are allowed (an app may add its
    own, e.g. "auth.locked"); these are the ones the audit wiring writes."""

    READ_REQUEST = "read.request", _("مشاهده درخواست توسط کارمند")
    READ_FILE = "read.file", _("دریافت پرونده توسط کارمند")
    REQUEST_CREATED = "request.created", _("ثبت درخواست")
    REQUEST_CHANGED = "request.changed", _("تغییر وضعیت درخواست")
    REQUEST_ASSIGNED = "request.assigned", _("واگذاری درخواست")
    REQUEST_REFERRED = "request.referred", _("ارجاع درخواست")
    REQUEST_NOTED = "request.noted", _("یادداشت روی درخواست")
    ADMIN_ADDED = "admin.added", _("افزودن در مدیریت")
    ADMIN_CHANGED = "admin.changed", _("ویرایش در مدیریت")
    ADMIN_DELETED = "admin.deleted", _("حذف در مدیریت")
    SIGNED_IN = "auth.signed_in", _("ورود")
    SIGN_IN_FAILED = "auth.sign_in_failed", _("ورود ناموفق")
    SIGNED_OUT = "auth.signed_out", _("خروج")


class AuditChain(models.Model):
    """The head of one chain: its last sequence number and hash. Appending locks this row
    (select_for_update), so the entries of one chain are numbered without gaps or forks."""

    scope = models.CharField(_("دامنه"), max_length=40, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("دستگاه"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    last_sequence = models.PositiveBigIntegerField(_("آخرین شماره"), default=0)
    last_hash = models.CharField(_("آخرین چکیده"), max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("زنجیره ممیزی")
        verbose_name_plural = _("زنجیره‌های ممیزی")

    def __str__(self) -> str:
        """«زنجیره ملی», or «زنجیره <the agency's name>» (select_related("agency") in lists)."""
        if self.scope == NATIONAL_SCOPE:
            return str(_("زنجیره ملی"))
        if self.agency is not None:
            return str(_("زنجیره %(agency)s")) % {"agency": self.agency.name}
        return str(_("زنجیره دستگاه %(id)s")) % {"id": to_persian_digits(self.agency_id or "")}


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One audited event. `hash` is SHA-256 over the canonical encoding of every other field
    and the previous entry's hash (desk.audit.chain); the database refuses UPDATE (and, on
    PostgreSQL, DELETE) of these rows by trigger, and the model refuses both too."""

    chain = models.ForeignKey(
        AuditChain, verbose_name=_("زنجیره"), on_delete=models.PROTECT, related_name="entries"
    )
    sequence = models.PositiveBigIntegerField(_("شماره"))
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("دستگاه"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The username at the time: the row stays readable after the account is gone.
    actor_label = models.CharField(_("نام کاربری"), max_length=150, blank=True)
    action = models.CharField(_("کنش"), max_length=64)
    object_type = models.CharField(_("نوع"), max_length=100, blank=True)
    object_id = models.CharField(_("شناسه"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("زمان"))
    details = models.JSONField(_("جزئیات"), default=dict, blank=True)
    prev_hash = models.CharField(_("چکیده پیشین"), max_length=64)
    hash = models.CharField(_("چکیده"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["chain_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_entry_chain_sequence")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_entry_object")]
        verbose_name = _("رویداد ممیزی")
        verbose_name_plural = _("رویدادهای ممیزی")

    def __str__(self) -> str:
        label = dict(Action.choices).get(self.action, self.action)
        return f"{label} ({_('رویداد')} {to_persian_digits(self.sequence)})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")
