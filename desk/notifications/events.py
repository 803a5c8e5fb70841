"""The events a message can be sent for, the placeholders each offers, and how text is filled.

An event is the contract between the app that queues a message and the people who edit its
template: the caller passes a context with the English keys below, an editor writes the Persian
placeholder names in braces, e.g. «درخواست {کد_رهگیری} ثبت شد.». Dates are written Jalali with
Persian digits here, at the edge, never by the caller.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from desk.lib.jalali import format_date, format_datetime
from desk.lib.persian import to_persian_digits

TEXT = "text"
DIGITS = "digits"
DATE = "date"
DATETIME = "datetime"


@dataclass(frozen=True)
class Placeholder:
    name: str  # what an editor types between braces
    key: str  # what the caller passes in the context
    label: str
    sample: object
    kind: str = TEXT


@dataclass(frozen=True)
class Event:
    slug: str
    label: str
    placeholders: tuple[Placeholder, ...]
    default: str  # the factory text, seeded as version 1 of the default template

    def placeholder(self, name: str) -> Placeholder | None:
        return next((p for p in self.placeholders if p.name == name), None)


_SAMPLE_CODE = "418205736910"
_SAMPLE_DAY = datetime.date(2025, 4, 7)  # ۱۴۰۴/۰۱/۱۸

CODE = Placeholder("کد_رهگیری", "tracking_code", "کد رهگیری درخواست", _SAMPLE_CODE, DIGITS)
SERVICE = Placeholder("خدمت", "service", "عنوان خدمت", "صدور پروانه ساختمانی")
DUE = Placeholder("موعد", "due_on", "موعد پاسخ نهایی (تاریخ شمسی)", _SAMPLE_DAY, DATE)
AGENCY = Placeholder("دستگاه", "agency", "نام دستگاه", "شهرداری منطقه ۳")
STATUS = Placeholder("وضعیت", "status", "وضعیت درخواست", "در حال بررسی")
NOTE = Placeholder("توضیح", "message", "توضیح کارشناس برای متقاضی", "اصل سند را بارگذاری کنید.")
TRACK_URL = Placeholder("نشانی", "url", "نشانی صفحه", "https://desk.example.ir/track/")
WHEN = Placeholder(
    "زمان_نوبت",
    "starts_at",
    "روز و ساعت نوبت",
    datetime.datetime(2025, 4, 7, 6, 0, tzinfo=datetime.UTC),
    DATETIME,
)
PLACE = Placeholder("محل", "place", "محل مراجعه", "دفتر پیشخوان مرکزی")
# The short link an SMS carries to the page where the citizen acts (sign-in brings them back).
LINK = Placeholder(
    "پیوند", "link", "پیوند کوتاه به صفحه درخواست", "https://desk.example.ir/r/418205736910/"
)
STEP = Placeholder("مرحله", "step", "مرحله‌ای که درخواست به آن رسید", "بازدید و بررسی فنی")

AMOUNT = Placeholder("مبلغ", "amount", "مبلغ با واحد (تومان)", "۱۲۰٬۰۰۰ تومان")
LETTER_NUMBER = Placeholder("شماره_نامه", "number", "شماره ثبت نامه در دبیرخانه", "۱۴۰۵/۱۲۳۴/و")
LETTER_SUBJECT = Placeholder("موضوع", "subject", "موضوع نامه", "درخواست اصلاح نشانی")
REFERENCE = Placeholder("شماره_مرجع", "reference", "شماره مرجع بانک", "۱۴۲۵۸۶۹۷۳۰", DIGITS)

# Complaints (desk/complaints): their own tracking code, kind and deadline.
COMPLAINT_CODE = Placeholder(
    "کد_پیگیری", "tracking_code", "کد پیگیری شکایت یا اعتراض", _SAMPLE_CODE, DIGITS
)
COMPLAINT_KIND = Placeholder("نوع", "kind", "نوع: شکایت، اعتراض به تصمیم، …", "اعتراض به تصمیم")
COMPLAINT_DUE = Placeholder("موعد", "due_on", "موعد پاسخ (تاریخ شمسی)", _SAMPLE_DAY, DATE)
COMPLAINT_LINK = Placeholder(
    "پیوند", "link", "پیوند به صفحه شکایت", "https://desk.example.ir/complaints/418205736910/"
)
SCORE = Placeholder("امتیاز", "score", "امتیاز پیامکی (۱ تا ۵)", 4, DIGITS)
SHARE = Placeholder("سهم", "share", "سهم پاسخ‌دهندگان (درصد)", "۱۸٪")
PERIOD = Placeholder("دوره", "period", "ماه گزارش", "فروردین ۱۴۰۴")

# Evaluation of agencies (desk/evaluation): to the evaluated agency's admin and head.
CYCLE = Placeholder("دوره", "cycle", "عنوان دوره ارزیابی", "ارزیابی نیمه نخست ۱۴۰۵")
EVALUATION_DUE = Placeholder("مهلت", "due_on", "مهلت (تاریخ شمسی)", _SAMPLE_DAY, DATE)
EVALUATION_LINK = Placeholder(
    "پیوند", "link", "پیوند به صفحه ارزیابی", "https://desk.example.ir/evaluation/a/1f2e/"
)

EVENTS: dict[str, Event] = {
    e.slug: e
    for e in [
        Event(
            "sign_in_code",
            "کد ورود",
            (Placeholder("کد", "code", "کد یک‌بارمصرف ورود", "482915", DIGITS),),
            "کد ورود شما به میز خدمت: {کد}\nاین کد را به کسی ندهید.",
        ),
        Event(
            "desk_consent_code",
            "کد رضایت ثبت درخواست در میز خدمت حضوری",
            (Placeholder("کد", "code", "کد یک‌بارمصرف رضایت", "482915", DIGITS), AGENCY),
            "میز خدمت {دستگاه} می‌خواهد به نام شما درخواست ثبت کند. اگر خودتان خواسته‌اید، "
            "این کد را به متصدی بگویید: {کد}\nاگر نخواسته‌اید، کد را به کسی ندهید.",
        ),
        Event(
            "status_submitted",
            "ثبت درخواست",
            (SERVICE, CODE, DUE, AGENCY),
            "درخواست «{خدمت}» ثبت شد.\nکد رهگیری: {کد_رهگیری}\nموعد پاسخ: {موعد}\n"
            "میز خدمت {دستگاه}",
        ),
        Event(
            "status_in_review",
            "شروع بررسی",
            (SERVICE, CODE, DUE, AGENCY),
            "درخواست {کد_رهگیری} در حال بررسی است.\nمیز خدمت {دستگاه}",
        ),
        Event(
            "status_needs_info",
            "درخواست اطلاعات بیشتر",
            (SERVICE, CODE, NOTE, LINK, AGENCY),
            "برای درخواست {کد_رهگیری} اطلاعات یا مدرک بیشتری لازم است. پاسخ دهید: {پیوند}"
            "\nمیز خدمت {دستگاه}",
        ),
        Event(
            "status_rejected",
            "رد درخواست",
            (SERVICE, CODE, LINK, AGENCY),
            "درخواست {کد_رهگیری} رد شد. علت را در صفحه پیگیری ببینید: {پیوند}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "status_completed",
            "انجام درخواست",
            (SERVICE, CODE, LINK, AGENCY),
            "درخواست {کد_رهگیری} انجام شد. دریافت نتیجه: {پیوند}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "status_expired",
            "انقضای درخواست پرداخت‌نشده",
            (SERVICE, CODE, LINK, AGENCY),
            "هزینه درخواست {کد_رهگیری} در مهلت پرداخت نشد و درخواست بسته شد. اگر هنوز به"
            " «{خدمت}» نیاز دارید، دوباره درخواست دهید: {پیوند}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "status_step_changed",
            "رسیدن به مرحله تازه",
            (SERVICE, CODE, STEP, LINK, AGENCY),
            "درخواست {کد_رهگیری} به مرحله «{مرحله}» رسید. {پیوند}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "status_changed",
            "تغییر وضعیت (سایر)",
            (SERVICE, CODE, STATUS, AGENCY),
            "وضعیت درخواست {کد_رهگیری}: {وضعیت}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "appointment_booked",
            "ثبت نوبت",
            (SERVICE, CODE, WHEN, PLACE, AGENCY),
            "نوبت شما برای «{خدمت}» ثبت شد: {زمان_نوبت}، {محل}.\n"
            "کد رهگیری: {کد_رهگیری}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "appointment_reminder",
            "یادآوری نوبت",
            (SERVICE, WHEN, PLACE, AGENCY),
            "یادآوری نوبت «{خدمت}»: {زمان_نوبت}، {محل}.\nمیز خدمت {دستگاه}",
        ),
        Event(
            "appointment_moved_closure",
            "جابه‌جایی نوبت به علت تعطیلی",
            (SERVICE, CODE, WHEN, PLACE, TRACK_URL, AGENCY),
            "به علت تعطیلی، نوبت «{خدمت}» به {زمان_نوبت}، {محل} منتقل شد.\n"
            "کد نوبت: {کد_رهگیری}\nتغییر یا لغو: {نشانی}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "appointment_cancelled_closure",
            "لغو نوبت به علت تعطیلی",
            (SERVICE, WHEN, TRACK_URL, AGENCY),
            "دفتر در روز نوبت «{خدمت}» ({زمان_نوبت}) تعطیل است و نوبت لغو شد."
            " نوبت تازه بگیرید: {نشانی}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "payment_due",
            "پرداخت هزینه",
            (SERVICE, CODE, AMOUNT, LINK, AGENCY),
            "برای ادامه درخواست {کد_رهگیری}، {مبلغ} بپردازید: {پیوند}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "payment_received",
            "دریافت پرداخت",
            (SERVICE, CODE, AMOUNT, REFERENCE, AGENCY),
            "{مبلغ} برای درخواست {کد_رهگیری} دریافت شد. شماره مرجع: {شماره_مرجع}\n"
            "میز خدمت {دستگاه}",
        ),
        Event(
            "payment_refunded",
            "استرداد وجه",
            (SERVICE, CODE, AMOUNT, NOTE, AGENCY),
            "{مبلغ} از پرداخت درخواست {کد_رهگیری} به حساب شما برمی‌گردد. علت: {توضیح}\n"
            "میز خدمت {دستگاه}",
        ),
        Event(
            "survey_invitation",
            "دعوت به نظرسنجی",
            (SERVICE, CODE, TRACK_URL, AGENCY),
            "نظر شما درباره «{خدمت}» (درخواست {کد_رهگیری}) خدمت را بهتر می‌کند: {نشانی}\n"
            "یا فقط یک عدد پاسخ دهید: ۱ خیلی بد تا ۵ خیلی خوب\nمیز خدمت {دستگاه}",
        ),
        Event(
            "survey_reminder",
            "یادآوری نظرسنجی",
            (SERVICE, CODE, TRACK_URL, AGENCY),
            "هنوز فرصت دارید نظرتان را درباره «{خدمت}» بگویید: {نشانی}\n"
            "یا یک عدد پاسخ دهید: ۱ خیلی بد تا ۵ خیلی خوب\nمیز خدمت {دستگاه}",
        ),
        Event(
            "survey_sms_thanks",
            "پاسخ پیامکی نظرسنجی: ثبت شد",
            (SERVICE, SCORE, TRACK_URL, AGENCY),
            "نظر شما ({امتیاز} از ۵) درباره «{خدمت}» ثبت شد. سپاس.\nنظر کامل‌تر: {نشانی}",
        ),
        Event(
            "survey_sms_invalid",
            "پاسخ پیامکی نظرسنجی: عدد نادرست",
            (SERVICE, TRACK_URL),
            "برای نظر درباره «{خدمت}» فقط یک عدد از ۱ (خیلی بد) تا ۵ (خیلی خوب) بفرستید."
            "\nیا: {نشانی}",
        ),
        Event(
            "survey_red_flag",
            "هشدار نیاز به توصیه و سفارش",
            (AGENCY, SHARE, PERIOD, TRACK_URL),
            "هشدار نظرسنجی {دستگاه}: {سهم} از پاسخ‌دهندگان در {دوره} احساس نیاز به سفارش و"
            " توصیه داشتند.\nگزارش: {نشانی}",
        ),
        Event(
            "letter_registered",
            "ثبت نامه در دبیرخانه",
            (LETTER_SUBJECT, LETTER_NUMBER, CODE, DUE, LINK, AGENCY),
            "نامه شما «{موضوع}» به شماره {شماره_نامه} ثبت شد.\nکد رهگیری: {کد_رهگیری}\n"
            "موعد پاسخ: {موعد}\n{پیوند}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "letter_answered",
            "پاسخ نامه",
            (LETTER_SUBJECT, LETTER_NUMBER, CODE, LINK, AGENCY),
            "نامه «{موضوع}» پاسخ داده شد (شماره {شماره_نامه}). خواندن و دریافت پاسخ: {پیوند}\n"
            "میز خدمت {دستگاه}",
        ),
        Event(
            "inbound_status",
            "پاسخ پیامکی وضعیت",
            (SERVICE, CODE, STATUS, DUE, AGENCY),
            "وضعیت درخواست {کد_رهگیری} ({خدمت}): {وضعیت}\nموعد پاسخ: {موعد}\nمیز خدمت {دستگاه}",
        ),
        Event(
            "inbound_neutral",
            "پاسخ پیامکی: یافت نشد",
            (TRACK_URL,),
            "درخواستی با این کد رهگیری برای شماره همراه شما پیدا نشد. پیگیری با کد ملی: {نشانی}",
        ),
        Event(
            "inbound_help",
            "پاسخ پیامکی: راهنما",
            (TRACK_URL,),
            "برای پیگیری، کد رهگیری ۱۲ رقمی درخواست را بفرستید. پیگیری برخط: {نشانی}",
        ),
        Event(
            "complaint_filed",
            "ثبت شکایت یا اعتراض",
            (COMPLAINT_KIND, COMPLAINT_CODE, COMPLAINT_DUE, COMPLAINT_LINK, AGENCY),
            "{نوع} شما ثبت شد.\nکد پیگیری: {کد_پیگیری}\nموعد پاسخ: {موعد}\n{پیوند}\n{دستگاه}",
        ),
        Event(
            "complaint_answered",
            "پاسخ به شکایت یا اعتراض",
            (COMPLAINT_KIND, COMPLAINT_CODE, COMPLAINT_LINK, AGENCY),
            "به {نوع} {کد_پیگیری} پاسخ داده شد. پاسخ و راه تجدیدنظر: {پیوند}\n{دستگاه}",
        ),
        Event(
            "complaint_appealed",
            "ثبت تجدیدنظرخواهی",
            (COMPLAINT_KIND, COMPLAINT_CODE, COMPLAINT_LINK),
            "تجدیدنظرخواهی شما درباره {نوع} {کد_پیگیری} به مرجع نظارت رسید. {پیوند}",
        ),
        Event(
            "complaint_appeal_decided",
            "رأی مرجع نظارت",
            (COMPLAINT_KIND, COMPLAINT_CODE, COMPLAINT_LINK),
            "مرجع نظارت درباره {نوع} {کد_پیگیری} رأی داد: {پیوند}",
        ),
        Event(
            "complaint_escalated",
            "گذشتن شکایت از موعد پاسخ (به مدیر)",
            (COMPLAINT_KIND, COMPLAINT_CODE, COMPLAINT_DUE, AGENCY),
            "{نوع} {کد_پیگیری} تا {موعد} پاسخ داده نشد و به شما ارجاع شد.\n{دستگاه}",
        ),
        Event(
            "evaluation_opened",
            "آغاز خوداظهاری ارزیابی دستگاه",
            (CYCLE, AGENCY, EVALUATION_DUE, EVALUATION_LINK),
            "{دوره}: خوداظهاری {دستگاه} آغاز شد. مهلت ارسال: {مهلت}\n{پیوند}",
        ),
        Event(
            "evaluation_more_evidence",
            "درخواست مستند بیشتر در ارزیابی",
            (CYCLE, AGENCY, EVALUATION_LINK),
            "{دوره}: ارزیاب برای {دستگاه} مستند بیشتری خواسته است. پاسخ دهید: {پیوند}",
        ),
        Event(
            "evaluation_finalized",
            "اعلام نتیجه ارزیابی (مهلت اعتراض)",
            (CYCLE, AGENCY, EVALUATION_DUE, EVALUATION_LINK),
            "{دوره}: نتیجه ارزیابی {دستگاه} اعلام شد. اعتراض تا {مهلت}: {پیوند}",
        ),
        Event(
            "evaluation_objection_decided",
            "رأی اعتراض به نتیجه ارزیابی",
            (CYCLE, AGENCY, EVALUATION_LINK),
            "{دوره}: به اعتراض {دستگاه} رأی داده شد و نتیجه قطعی است. {پیوند}",
        ),
        # To the asked agency's staff (desk.inquiries): {دستگاه} is the asking agency.
        Event(
            "inquiry_received",
            "استعلام تازه از دستگاه دیگر",
            (CODE, AGENCY, DUE, TRACK_URL),
            "استعلام تازه از {دستگاه} درباره پرونده {کد_رهگیری}. مهلت پاسخ: {موعد}\n{نشانی}",
        ),
        Event(
            "inquiry_reminder",
            "یادآوری استعلام",
            (CODE, AGENCY, DUE, TRACK_URL),
            "مهلت پاسخ استعلام {دستگاه} (پرونده {کد_رهگیری}) امروز {موعد} است.\n{نشانی}",
        ),
        Event(
            "inquiry_overdue",
            "استعلام گذشته از مهلت",
            (CODE, AGENCY, DUE, TRACK_URL),
            "استعلام {دستگاه} (پرونده {کد_رهگیری}) از مهلت {موعد} گذشته و بی‌پاسخ است.\n{نشانی}",
        ),
    ]
}

_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


def _format(placeholder: Placeholder, value: object) -> str:
    if value is None:
        return ""
    if placeholder.kind == DATE and isinstance(value, datetime.date):
        return format_date(value)
    if placeholder.kind == DATETIME and isinstance(value, datetime.datetime):
        return format_datetime(value)
    if placeholder.kind == DIGITS:
        return to_persian_digits(value)
    return str(value)


def unknown_placeholders(event: Event, body: str) -> list[str]:
    """Names in braces that this event does not offer (what an editor mistyped)."""
    return [n for n in _PLACEHOLDER.findall(body) if event.placeholder(n) is None]


def render(event: Event, body: str, context: Mapping[str, object]) -> str:
    """Fill the placeholders of `body` from `context`. A missing key is a caller's bug."""

    def fill(match: re.Match[str]) -> str:
        placeholder = event.placeholder(match.group(1))
        if placeholder is None:
            return match.group(0)  # validated when saved; left as typed rather than lost
        if placeholder.key not in context:
            raise KeyError(f"{event.slug}: the context has no {placeholder.key!r}")
        return _format(placeholder, context[placeholder.key])

    return _PLACEHOLDER.sub(fill, body)


def sample_context(event: Event) -> dict[str, object]:
    return {p.key: p.sample for p in event.placeholders}
