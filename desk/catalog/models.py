from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.lib.persian import search_key


class Category(models.Model):
    name = models.CharField(_("نام"), max_length=120)
    slug = models.SlugField(_("نشانی کوتاه"), max_length=80, unique=True)
    description = models.TextField(_("توضیح"), blank=True)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("دسته")
        verbose_name_plural = _("دسته‌ها")

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    G2C = "G2C", _("دولت به شهروند (G2C)")
    G2B = "G2B", _("دولت به کسب‌وکار (G2B)")
    G2G = "G2G", _("دولت به دولت (G2G)")


class Nature(models.TextChoices):
    SOVEREIGN = "sovereign", _("حاکمیتی")
    ENTERPRISE = "enterprise", _("تصدی‌گری")


class Level(models.TextChoices):
    NATIONAL = "national", _("ملی")
    PROVINCIAL = "provincial", _("استانی")
    CITY = "city", _("شهری")
    RURAL = "rural", _("روستایی")


class Maturity(models.TextChoices):
    INFORMATION = "1", _("اطلاع‌رسانی")
    ONE_WAY = "2", _("تعامل یک‌سویه")
    TWO_WAY = "3", _("تعامل دوسویه")
    TRANSACTION = "4", _("تراکنش کامل")
    INTEGRATED = "5", _("یکپارچه")


class Channel(models.TextChoices):
    WEB = "web", _("وب‌گاه")
    MOBILE = "mobile", _("تلفن همراه")
    SMS = "sms", _("پیامک")
    PHONE = "phone", _("تلفن")
    IN_PERSON = "in_person", _("حضوری (میز خدمت)")


class OnDeceased(models.TextChoices):
    """The service's rule when the civil registry says the applicant's national code belongs
    to a person who has died (docs/registries.md)."""

    REFUSE = "refuse", _("درخواست پذیرفته نشود")
    FLAG = "flag", _("پذیرفته شود و برای کارشناس علامت بخورد")


class Service(models.Model):
    """A service and its public service card (شناسنامه خدمت)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("دستگاه")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("دسته")
    )
    slug = models.SlugField(_("نشانی کوتاه"), max_length=100, unique=True)
    title = models.CharField(_("عنوان خدمت"), max_length=200)
    summary = models.CharField(_("خلاصه"), max_length=300)
    description = models.TextField(_("شرح خدمت"), blank=True)
    # National catalog fields
    national_id = models.CharField(_("شناسه خدمت"), max_length=40, unique=True)
    audience = models.CharField(_("نوع خدمت"), max_length=3, choices=Audience.choices)
    nature = models.CharField(_("ماهیت خدمت"), max_length=12, choices=Nature.choices)
    level = models.CharField(_("سطح ارائه"), max_length=12, choices=Level.choices)
    life_event = models.CharField(_("رویداد زندگی"), max_length=120, blank=True)
    trigger = models.CharField(_("رویداد آغازگر"), max_length=200, blank=True)
    in_person_visits = models.PositiveSmallIntegerField(_("تعداد مراجعه حضوری"), default=0)
    channels = models.JSONField(_("شیوه‌های دسترسی"), default=list, blank=True)
    average_duration_days = models.PositiveSmallIntegerField(
        _("میانگین زمان انجام (روز کاری)"), default=0
    )
    annual_volume = models.PositiveIntegerField(_("تعداد درخواست در سال"), default=0)
    maturity = models.CharField(
        _("مرحله بلوغ الکترونیکی"), max_length=1, choices=Maturity.choices, default="4"
    )
    # Promise and costs
    duration_working_days = models.PositiveSmallIntegerField(_("مهلت انجام (روز کاری)"))
    fee_amount = models.PositiveBigIntegerField(_("هزینه (ریال)"), default=0)
    fee_description = models.TextField(_("شرح هزینه‌ها"), blank=True)
    # The request waits, unseen by the agency, until its fee is paid (desk/payments bills it).
    pay_at_application = models.BooleanField(
        _("پرداخت هزینه هنگام ثبت درخواست"),
        default=False,
        help_text=_(
            "درخواست پس از پرداخت هزینه به کارتابل دستگاه می‌رود و مهلت آن از همان روز آغاز می‌شود."
        ),
    )
    # An unpaid request expires after this many hours (empty: PAYMENT_UNPAID_EXPIRY_HOURS).
    unpaid_expiry_hours = models.PositiveSmallIntegerField(
        _("مهلت پرداخت هنگام ثبت (ساعت)"),
        null=True,
        blank=True,
        help_text=_(
            "درخواستی که تا این مدت پرداخت نشود منقضی می‌شود و شهروند با پیامک خبردار می‌شود. "
            "خالی: مهلت پیش‌فرض سامانه."
        ),
    )
    # What the civil registry's «deceased» (alive = false) does to an application.
    on_deceased_applicant = models.CharField(
        _("اگر ثبت احوال متقاضی را درگذشته بداند"),
        max_length=6,
        choices=OnDeceased.choices,
        default=OnDeceased.REFUSE,
    )
    complaint_procedure = models.TextField(_("روش پیگیری و رسیدگی به شکایت"))
    responsible_name = models.CharField(_("نام مسئول پاسخ‌گو"), max_length=120)
    responsible_title = models.CharField(_("سمت مسئول"), max_length=120, blank=True)
    responsible_phone = models.CharField(_("تلفن مسئول"), max_length=40, blank=True)
    is_published = models.BooleanField(_("منتشرشده"), default=True)
    accepts_online = models.BooleanField(_("ثبت درخواست برخط"), default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("خدمت")
        verbose_name_plural = _("خدمات")
        indexes = [models.Index(fields=["agency", "is_published"], name="service_agency_pub")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The search key is derived from the card; computing it here keeps it right whichever
        # path wrote the row (admin, demo loader, services).
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        parts = [self.title, self.summary, self.description, self.life_event]
        if self.agency_id:
            parts.append(self.agency.name)
        return search_key(" ".join(p for p in parts if p))

    def audience_words(self) -> str:
        """Whom the service is for as a citizen reads it: «دولت به شهروند», without the
        taxonomy's Latin code the admin lists it by («(G2C)»)."""
        return str(self.get_audience_display()).split(" (", 1)[0]

    def get_channels_display(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


def optimize_search_index() -> None:
    """Merge SQLite's word index of the services (catalog/migrations/0006_search_index.py)
    into one segment, as the migration builds it, after a bulk load has written it in many
    (desk/benchdata): a search then reads each trigram once. PostgreSQL's index needs
    nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_service_fts(catalog_service_fts) VALUES ('optimize')"
            )


class _Ordered(models.Model):
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ServiceStep(_Ordered):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("مرحله"), max_length=200)
    description = models.TextField(_("توضیح"), blank=True)

    class Meta(_Ordered.Meta):
        verbose_name = _("مرحله انجام کار")
        verbose_name_plural = _("مراحل انجام کار")

    def __str__(self) -> str:
        return self.title


class RequiredDocument(_Ordered):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("مدرک"), max_length=200)
    description = models.TextField(_("توضیح"), blank=True)
    is_required = models.BooleanField(_("الزامی"), default=True)

    class Meta(_Ordered.Meta):
        verbose_name = _("مدرک لازم")
        verbose_name_plural = _("مدارک لازم")

    def __str__(self) -> str:
        return self.title


class Regulation(_Ordered):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="regulations")
    title = models.CharField(_("قانون یا مقرره"), max_length=300)
    reference = models.CharField(_("مرجع یا پیوند"), max_length=300, blank=True)

    class Meta(_Ordered.Meta):
        verbose_name = _("قانون و مقررات")
        verbose_name_plural = _("قوانین و مقررات")

    def __str__(self) -> str:
        return self.title


class Faq(_Ordered):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("پرسش"), max_length=300)
    answer = models.TextField(_("پاسخ"))

    class Meta(_Ordered.Meta):
        verbose_name = _("پرسش متداول")
        verbose_name_plural = _("پرسش‌های متداول")

    def __str__(self) -> str:
        return self.question


class FieldKind(models.TextChoices):
    TEXT = "text", _("متن کوتاه")
    TEXTAREA = "textarea", _("متن بلند")
    NUMBER = "number", _("عدد")
    NATIONAL_CODE = "national_code", _("کد ملی")
    MOBILE = "mobile", _("تلفن همراه")
    POSTAL_CODE = "postal_code", _("کد پستی")
    DATE = "date", _("تاریخ (شمسی)")
    CHOICE = "choice", _("گزینه‌ای")
    YES_NO = "yes_no", _("بله/خیر")
    FILE = "file", _("پرونده (بارگذاری)")


class RegistrySource(models.TextChoices):
    """A form field bound to a national system (once-only, docs/registries.md): an *input* the
    system is asked with, or an *output* it fills and verifies, the citizen not retyping it."""

    NONE = "", _("بدون استعلام")
    BIRTH_DATE = "civil_registry.birth_date", _("ثبت احوال: تاریخ تولد متقاضی (پرسش)")
    FIRST_NAME = "civil_registry.first_name", _("ثبت احوال: نام (پاسخ)")
    LAST_NAME = "civil_registry.last_name", _("ثبت احوال: نام خانوادگی (پاسخ)")
    FATHER_NAME = "civil_registry.father_name", _("ثبت احوال: نام پدر (پاسخ)")
    POSTAL_CODE = "postal_code.postal_code", _("پست: کد پستی (پرسش)")
    ADDRESS = "postal_code.address", _("پست: نشانی (پاسخ)")
    COMPANY_ID = "company_registry.national_id", _("ثبت شرکت‌ها: شناسه ملی (پرسش)")
    COMPANY_NAME = "company_registry.name", _("ثبت شرکت‌ها: نام شرکت (پاسخ)")


REGISTRY_INPUTS = (RegistrySource.BIRTH_DATE, RegistrySource.POSTAL_CODE, RegistrySource.COMPANY_ID)


class FormField(_Ordered):
    """One field of a service's application form, defined as data."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="form_fields")
    name = models.SlugField(_("شناسه فیلد"), max_length=50)
    label = models.CharField(_("برچسب"), max_length=200)
    kind = models.CharField(_("نوع"), max_length=20, choices=FieldKind.choices)
    required = models.BooleanField(_("الزامی"), default=True)
    help_text = models.CharField(_("راهنما"), max_length=300, blank=True)
    choices = models.TextField(_("گزینه‌ها (هر خط یک گزینه)"), blank=True)
    registry = models.CharField(
        _("استعلام از سامانه ملی"),
        max_length=40,
        choices=RegistrySource.choices,
        blank=True,
        default="",
        help_text=_("پاسخ این فیلد از سامانه ملی خوانده یا با آن تطبیق داده می‌شود."),
    )

    class Meta(_Ordered.Meta):
        verbose_name = _("فیلد فرم")
        verbose_name_plural = _("فیلدهای فرم")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="formfield_unique_name")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def fills_from_registry(self) -> bool:
        """An output of a national system: filled by it, so the citizen may leave it empty."""
        return bool(self.registry) and self.registry not in REGISTRY_INPUTS

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
