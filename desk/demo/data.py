"""The demo's content, as plain data: agencies, categories, service cards, staff, a citizen.

Names of people, addresses and phone numbers are invented. Some texts are written on purpose with
Arabic letter forms («ي» «ك»), as real seed data is, so that the demo shows search finding them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

DEMO_PASSWORD = "demo-1404"
# The one authenticator key of every demo account that must use two-factor sign-in (superuser,
# agency admins, managers). Public on purpose, like the password: add it once to any
# authenticator app, or run `manage.py demo_totp` for the current code.
DEMO_TOTP_KEY = b"mizkhedmat-demo-2fa!"  # 20 bytes; base32 NVUXU23IMVSG2YLUFVSGK3LPFUZGMYJB
SUPERUSER = {"username": "admin", "first_name": "راهبر", "last_name": "سامانه"}
CITIZEN = {
    "national_code": "0084575948",
    "mobile": "+989121234567",
    "first_name": "مریم",
    "last_name": "رضایی",
}

# --- Agencies and their staff -----------------------------------------------------------------
# Staff usernames are "<username_prefix>-<role>".

AGENCIES: list[dict[str, Any]] = [
    {
        "slug": "tehran-municipality-6",
        "username_prefix": "tehran6",
        "name": "شهرداری تهران — منطقه ۶",
        "description": (
            "شهرداری منطقه ۶ تهران خدمات شهرسازی و معماری، پروانه ساختمانی، پاسخ استعلام "
            "دفاتر اسناد رسمی و خدمات فضای سبز را برای محله‌های یوسف‌آباد، امیرآباد، "
            "ایرانشهر، کشاورز غربی و قزل‌قلعه ارائه می‌دهد."
        ),
        "province": "تهران",
        "city": "تهران",
        "address": "تهران، خیابان دکتر فاطمی، نبش کوچه نمونه، ساختمان شماره ۶۰",
        "phone": "021-88006000",
        "sms_line": "30001376",
        "staff": [
            {
                "role": "clerk",
                "first_name": "زهرا",
                "last_name": "محمدی",
                "title": "متصدی میز خدمت",
            },
            {
                "role": "expert",
                "first_name": "حسین",
                "last_name": "کریمی",
                "title": "کارشناس شهرسازی",
                "positions": [("واحد پذیرش و بررسی مدارک", "expert")],
            },
            {
                "role": "manager",
                "first_name": "علیرضا",
                "last_name": "کاظمی",
                "title": "معاون شهرسازی و معماری",
            },
            {
                "role": "admin",
                "first_name": "نرگس",
                "last_name": "حسینی",
                "title": "راهبر میز خدمت منطقه",
            },
            {
                "role": "head",
                "first_name": "محمدرضا",
                "last_name": "طاهری",
                "title": "شهردار منطقه ۶",
            },
            {
                "role": "expert",
                "username": "tehran6-engineer",
                "first_name": "مهندس سارا",
                "last_name": "امینی",
                "title": "کارشناس فنی و بازدید",
                "positions": [("واحد فنی و بازدید", "expert")],
            },
            {
                "role": "expert",
                "username": "tehran6-revenue",
                "first_name": "بهزاد",
                "last_name": "شکوهی",
                "title": "کارشناس درآمد",
                "positions": [("واحد درآمد", "expert")],
            },
        ],
    },
    {
        "slug": "tehran-gas",
        "username_prefix": "gas",
        "name": "شرکت گاز استان تهران",
        "description": (
            "شرکت گاز استان تهران واگذاری انشعاب، نصب و جابه‌جایی کنتور و خدمات مشترکان گاز "
            "طبیعی را در شهرهای استان تهران انجام می‌دهد. شماره تلفن فوریت‌های گاز ۱۹۴ است."
        ),
        "province": "تهران",
        "city": "تهران",
        "address": "تهران، خیابان نمونه، پلاک ۱۹۴، ساختمان مرکزی شرکت گاز",
        "phone": "021-84870000",
        "sms_line": "30001940",
        "staff": [
            {
                "role": "clerk",
                "first_name": "فاطمه",
                "last_name": "احمدی",
                "title": "متصدی میز خدمت",
            },
            {
                "role": "expert",
                "first_name": "محمد",
                "last_name": "رحیمی",
                "title": "کارشناس خدمات مشترکان",
            },
            {
                "role": "manager",
                "first_name": "رضا",
                "last_name": "موسوی",
                "title": "مدیر خدمات مشترکان",
            },
            {
                "role": "admin",
                "first_name": "سمیرا",
                "last_name": "جعفری",
                "title": "راهبر میز خدمت",
            },
            {
                "role": "head",
                "first_name": "کامران",
                "last_name": "بهرامی",
                "title": "مدیرعامل شرکت گاز استان تهران",
            },
        ],
    },
    {
        "slug": "shemiranat-civil-registry",
        "username_prefix": "shemiranat",
        "name": "اداره ثبت احوال شهرستان شمیرانات",
        "description": (
            "اداره ثبت احوال شمیرانات ولادت و وفات را ثبت می‌کند و شناسنامه، المثنی شناسنامه و "
            "کارت ملی هوشمند صادر می‌کند. بیشتر خدمات بدون مراجعه حضوری انجام می‌شود."
        ),
        "province": "تهران",
        "city": "تجریش",
        "address": "تهران، تجریش، خیابان نمونه، ساختمان اداره ثبت احوال شمیرانات",
        "phone": "021-22700000",
        "sms_line": "30002020",
        "staff": [
            {
                "role": "clerk",
                "first_name": "لیلا",
                "last_name": "صادقی",
                "title": "متصدی میز خدمت",
            },
            {
                "role": "expert",
                "first_name": "امیر",
                "last_name": "نوری",
                "title": "کارشناس امور هویتی",
            },
            {"role": "manager", "first_name": "مهدی", "last_name": "قاسمی", "title": "رئیس اداره"},
            {
                "role": "admin",
                "first_name": "الهام",
                "last_name": "شریفی",
                "title": "راهبر میز خدمت",
            },
            {
                "role": "head",
                "first_name": "فرهاد",
                "last_name": "ملکی",
                "title": "رئیس اداره کل ثبت احوال",
            },
        ],
    },
    {
        "slug": "tehran-industry",
        "username_prefix": "samt",
        "name": "سازمان صنعت، معدن و تجارت استان تهران",
        "description": (
            "سازمان صنعت، معدن و تجارت استان تهران جواز تأسیس و پروانه بهره‌برداری واحدهای "
            "صنعتی را صادر می‌کند. درخواست‌ها از درگاه ملی مجوزها هم پذیرفته می‌شود."
        ),
        "province": "تهران",
        "city": "تهران",
        "address": "تهران، خیابان نمونه، ساختمان سازمان صنعت، معدن و تجارت",
        "phone": "021-66400000",
        "sms_line": "30001124",
        "staff": [
            {
                "role": "clerk",
                "first_name": "مینا",
                "last_name": "اکبری",
                "title": "متصدی میز خدمت",
            },
            {
                "role": "expert",
                "first_name": "سعید",
                "last_name": "یوسفی",
                "title": "کارشناس صدور مجوز",
            },
            {
                "role": "manager",
                "first_name": "بهرام",
                "last_name": "عباسی",
                "title": "معاون امور صنایع",
            },
            {
                "role": "admin",
                "first_name": "پریسا",
                "last_name": "مرادی",
                "title": "راهبر میز خدمت",
            },
            {
                "role": "head",
                "first_name": "ناصر",
                "last_name": "فرهادی",
                "title": "رئیس سازمان",
            },
        ],
    },
]

CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "housing",
        "name": "مسکن و شهرسازی",
        "description": "پروانه ساختمانی، پایان کار، استعلام نقل و انتقال ملک",
        "order": 1,
    },
    {
        "slug": "energy",
        "name": "انرژی و انشعابات",
        "description": "انشعاب گاز، آب و برق و خدمات مشترکان",
        "order": 2,
    },
    {
        "slug": "civil-registry",
        "name": "ثبت احوال و هویت",
        "description": "شناسنامه، کارت ملی هوشمند، ثبت ولادت و وفات",
        "order": 3,
    },
    {
        "slug": "business",
        "name": "کسب‌وکار و صنعت",
        "description": "جواز تأسیس، پروانه بهره‌برداری و مجوزهای کسب‌وکار",
        "order": 4,
    },
    {
        "slug": "environment",
        "name": "محیط زیست و فضای سبز",
        "description": "حفظ درختان و فضای سبز شهری",
        "order": 5,
    },
]

# --- Service cards ----------------------------------------------------------------------------

_COMPLAINT_MUNICIPALITY = (
    "اگر تا موعد درج‌شده در رسید پاسخ نگرفتید یا از پاسخ راضی نبودید، با کد رهگیری به «مسئول "
    "پاسخ‌گو»ی پایین همین صفحه یا سامانه ۱۳۷ شهرداری تهران شکایت کنید. شکایت ظرف ۵ روز کاری "
    "پاسخ داده می‌شود و در صورت نارضایتی می‌توانید آن را از سامانه ۱۱۱ (سامد) پیگیری کنید."
)
_COMPLAINT_GAS = (
    "شکایت را با کد رهگیری با پیامک به خط ۳۰۰۰۱۹۴۰ یا تلفن ۱۲۱ ثبت کنید یا به «مسئول پاسخ‌گو»ی "
    "همین صفحه بگویید. واحد رسیدگی به شکایات ظرف ۵ روز کاری پاسخ می‌دهد؛ پیگیری بعدی از سامانه "
    "۱۱۱ (سامد)."
)
_COMPLAINT_REGISTRY = (
    "شکایت از روند یا رفتار کارکنان را با کد رهگیری به «مسئول پاسخ‌گو»ی همین صفحه بگویید. او "
    "ظرف ۷ روز کاری پاسخ می‌دهد و می‌توانید از سامانه ۱۱۱ (سامد) هم پیگیری کنید."
)
_COMPLAINT_INDUSTRY = (
    "اعتراض به رد مجوز یا تأخیر در صدور آن را با کد رهگیری به «مسئول پاسخ‌گو»ی همین صفحه یا در "
    "درگاه ملی مجوزها ثبت کنید؛ پاسخ ظرف ۱۰ روز کاری داده می‌شود و پیگیری از سامانه ۱۱۱ (سامد)."
)

SERVICES: list[dict[str, Any]] = [
    # --- Tehran municipality, region 6 ---
    {
        "slug": "building-permit",
        "agency": "tehran-municipality-6",
        "category": "housing",
        "title": "صدور پروانه ساختمانی",
        "summary": "صدور پروانه احداث، تخریب و نوسازی یا افزایش بنا برای املاک منطقه ۶",
        "description": (
            "مالک یا وکیل قانونی او درخواست را برخط ثبت می‌کند و سند و نقشه‌ها را بارگذاری "
            "می‌کند. کارشناس شهرسازی از ملک بازدید می‌کند، دستور نقشه صادر می‌شود و پس از "
            "تأیید نقشه‌ها در سازمان نظام مهندسی و پرداخت عوارض، پروانه به‌صورت الکترونیکی "
            "صادر می‌شود."
        ),
        "national_id": "13021234000",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "city",
        "life_event": "ساخت و نوسازی مسکن",
        "trigger": "درخواست مالک برای ساخت، تخریب و نوسازی یا افزایش بنا",
        "in_person_visits": 0,
        "channels": ["web", "mobile", "in_person"],
        "average_duration_days": 8,
        "annual_volume": 1800,
        "maturity": "3",
        "duration_working_days": 10,
        "fee_amount": 4_500_000,
        "fee_description": (
            "هزینه بررسی پرونده ۴۵۰٬۰۰۰ تومان است. عوارض صدور پروانه پس از بررسی و بر پایه "
            "دفترچه عوارض مصوب شورای اسلامی شهر تهران محاسبه و برخط پرداخت می‌شود."
        ),
        "complaint_procedure": _COMPLAINT_MUNICIPALITY,
        "responsible_name": "مهندس علیرضا کاظمی",
        "responsible_title": "معاون شهرسازی و معماری منطقه ۶",
        "responsible_phone": "021-88006210",
        "steps": [
            {
                "title": "ثبت درخواست و بارگذاری مدارک",
                "description": "فرم را پر کنید و سند مالکیت و نقشه‌ها را بارگذاری کنید.",
            },
            {
                "title": "بازدید کارشناس از ملک",
                "description": "زمان بازدید با پیامک اعلام می‌شود؛ حضور شما در ملک لازم نیست.",
            },
            {
                "title": "صدور دستور نقشه و تأیید نقشه‌ها",
                "description": "نقشه‌های معماری و سازه در سازمان نظام مهندسی کنترل می‌شود.",
            },
            {
                "title": "محاسبه و پرداخت برخط عوارض",
                "description": "صورت‌حساب عوارض با پیامک فرستاده می‌شود.",
            },
            {
                "title": "صدور پروانه ساختمانی",
                "description": "پروانه با کد رهگیری در صفحه پیگیری درخواست دریافت می‌شود.",
            },
        ],
        "documents": [
            {"title": "سند مالکیت تک‌برگ", "description": "تصویر هر دو روی سند"},
            {"title": "کارت ملی مالک یا مالکان", "description": ""},
            {"title": "نقشه‌های معماری و سازه", "description": "تأییدشده سازمان نظام مهندسی"},
            {
                "title": "وکالت‌نامه رسمی",
                "description": "فقط اگر وکیل مالک درخواست را ثبت می‌کند",
                "is_required": False,
            },
        ],
        "regulations": [
            {"title": "قانون شهرداری‌ها — ماده ۱۰۰", "reference": "مصوب ۱۳۳۴ و اصلاحات بعدی"},
            {"title": "قانون نظام مهندسی و کنترل ساختمان", "reference": "مصوب ۱۳۷۴"},
            {"title": "ضوابط و مقررات طرح تفصیلی شهر تهران", "reference": "شورای عالی شهرسازی"},
        ],
        "faqs": [
            {
                "question": "برای گرفتن پروانه باید به شهرداری بروم؟",
                "answer": (
                    "خیر. ثبت درخواست، بارگذاری مدارک، پرداخت عوارض و دریافت پروانه برخط "
                    "است و مراحل با پیامک به شما خبر داده می‌شود."
                ),
            },
            {
                "question": "عوارض پروانه را می‌توان قسطی پرداخت؟",
                "answer": "بله، بر پایه مصوبه شورای اسلامی شهر و با ارائه تضمین.",
            },
            {
                "question": "مهلت پایان ساخت چقدر است؟",
                "answer": "مهلت شروع و پایان عملیات ساختمانی در متن پروانه نوشته می‌شود.",
            },
        ],
        "form": [
            {"name": "owner_national_code", "label": "کد ملی مالک", "kind": "national_code"},
            {"name": "plot_address", "label": "نشانی ملک", "kind": "textarea"},
            {"name": "postal_code", "label": "کد پستی ملک", "kind": "postal_code"},
            {"name": "plot_area", "label": "مساحت زمین (مترمربع)", "kind": "number"},
            {
                "name": "permit_type",
                "label": "نوع پروانه",
                "kind": "choice",
                "choices": "احداث بنای جدید\nتخریب و نوسازی\nافزایش بنا",
            },
            {"name": "floors", "label": "تعداد طبقات", "kind": "number"},
            {"name": "deed", "label": "تصویر سند مالکیت", "kind": "file"},
            {"name": "owner_id_card", "label": "کارت ملی مالک یا مالکان", "kind": "file"},
            {
                "name": "power_of_attorney",
                "label": "وکالت‌نامه رسمی",
                "kind": "file",
                "required": False,
                "help_text": "فقط اگر وکیل مالک درخواست را ثبت می‌کند",
            },
            {
                "name": "plans",
                "label": "نقشه‌های معماری و سازه",
                "kind": "file",
                "help_text": "یک پرونده PDF با همه برگ‌های نقشه",
            },
        ],
    },
    {
        "slug": "property-transfer-inquiry",
        "agency": "tehran-municipality-6",
        "category": "housing",
        "title": "پاسخ استعلام نقل و انتقال ملک (پایان کار)",
        "summary": "پاسخ الکترونیکی به استعلام دفترخانه برای نقل و انتقال ملک، با گواهی پایان کار",
        # Arabic letter forms on purpose (see the module docstring).
        "description": (
            "دفاتر اسناد رسمي پيش از تنظيم سند قطعي، وضعيت ملك را از شهرداري استعلام مي‌كنند. "
            "شهرداري پرونده ساختماني را با پروانه تطبيق مي‌دهد، بدهي عوارض نوسازي را محاسبه "
            "مي‌كند و پاسخ را مستقيم براي دفترخانه مي‌فرستد؛ بردن نامه ميان ادارات كار شما نيست."
        ),
        "national_id": "13021234011",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "city",
        "life_event": "خريد و فروش ملك",
        "trigger": "استعلام دفترخانه اسناد رسمی پیش از تنظیم سند قطعی",
        "in_person_visits": 0,
        "channels": ["web", "mobile", "phone"],
        "average_duration_days": 3,
        "annual_volume": 9500,
        "maturity": "4",
        "duration_working_days": 5,
        "fee_amount": 1_200_000,
        "fee_description": (
            "هزینه صدور پاسخ استعلام ۱۲۰٬۰۰۰ تومان است. بدهی عوارض نوسازی و پسماند ملک هم در "
            "مفاصاحساب محاسبه و برخط پرداخت می‌شود."
        ),
        "complaint_procedure": _COMPLAINT_MUNICIPALITY,
        "responsible_name": "مهندس حسین کریمی",
        "responsible_title": "رئیس اداره صدور پروانه و پایان کار",
        "responsible_phone": "021-88006230",
        "steps": [
            {
                "title": "ثبت استعلام",
                "description": "دفترخانه یا مالک درخواست را با پلاک ثبتی ملک ثبت می‌کند.",
            },
            {
                "title": "تطبیق پرونده ساختمانی با پروانه",
                "description": "اگر خلافی باشد پرونده به کمیسیون ماده ۱۰۰ می‌رود.",
            },
            {"title": "محاسبه و پرداخت بدهی عوارض", "description": ""},
            {
                "title": "ارسال پاسخ استعلام",
                "description": "پاسخ الکترونیکی برای دفترخانه و متقاضی فرستاده می‌شود.",
            },
        ],
        "documents": [
            {"title": "سند مالکیت", "description": ""},
            {"title": "کارت ملی فروشنده", "description": ""},
            {
                "title": "گواهی پایان کار پیشین",
                "description": "اگر پیش‌تر صادر شده است",
                "is_required": False,
            },
        ],
        "regulations": [
            {
                "title": "قانون شهرداری‌ها — ماده ۱۰۰، تبصره ۸ (گواهی پایان کار و عدم خلاف)",
                "reference": "مصوب ۱۳۳۴ و اصلاحات بعدی",
            },
            {
                "title": "قانون نوسازی و عمران شهری — ماده ۲۶ (مفاصاحساب عوارض نوسازی)",
                "reference": "مصوب ۱۳۴۷",
            },
        ],
        "faqs": [
            {
                "question": "باید پاسخ استعلام را خودم به دفترخانه ببرم؟",
                "answer": "خیر. پاسخ مستقیم و الکترونیکی برای دفترخانه فرستاده می‌شود.",
            },
            {
                "question": "اگر ملک خلاف داشته باشد چه می‌شود؟",
                "answer": (
                    "پرونده به کمیسیون ماده ۱۰۰ فرستاده می‌شود و پس از اجرای رأی کمیسیون "
                    "پاسخ استعلام صادر می‌گردد."
                ),
            },
        ],
        "form": [
            {"name": "notary_office", "label": "شماره دفترخانه اسناد رسمی", "kind": "number"},
            {"name": "registration_plate", "label": "پلاک ثبتی ملک", "kind": "text"},
            {"name": "seller_national_code", "label": "کد ملی فروشنده", "kind": "national_code"},
            {
                "name": "buyer_national_code",
                "label": "کد ملی خریدار",
                "kind": "national_code",
                "required": False,
            },
            {"name": "deed", "label": "تصویر سند مالکیت", "kind": "file"},
            {"name": "seller_id_card", "label": "کارت ملی فروشنده", "kind": "file"},
            {
                "name": "previous_completion",
                "label": "گواهی پایان کار پیشین",
                "kind": "file",
                "required": False,
                "help_text": "اگر پیش‌تر صادر شده است",
            },
        ],
    },
    {
        "slug": "tree-removal-permit",
        "agency": "tehran-municipality-6",
        "category": "environment",
        "title": "مجوز قطع یا جابه‌جایی درخت",
        "summary": "بررسی درخواست قطع، هرس سنگین یا جابه‌جایی درخت در کمیسیون ماده ۷ فضای سبز",
        "description": (
            "قطع هر درخت در معابر و املاک شهر، حتی درخت خشک‌شده، بدون مجوز شهرداری ممنوع است. "
            "کارشناس فضای سبز از محل بازدید می‌کند و درخواست در کمیسیون ماده ۷ بررسی می‌شود."
        ),
        "national_id": "13021234022",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "city",
        "life_event": "ساخت و نوسازی مسکن",
        "trigger": "خشک شدن، خطر سقوط یا مزاحمت درخت برای ساختمان",
        "in_person_visits": 0,
        "channels": ["web", "phone", "in_person"],
        "average_duration_days": 9,
        "annual_volume": 420,
        "maturity": "3",
        "duration_working_days": 10,
        "fee_amount": 0,
        "fee_description": (
            "بررسی درخواست رایگان است. اگر قطع درخت تصویب شود، بهای درخت و هزینه کاشت نهال "
            "جایگزین بر پایه تعرفه مصوب دریافت می‌شود."
        ),
        "complaint_procedure": _COMPLAINT_MUNICIPALITY,
        "responsible_name": "مهندس سارا امینی",
        "responsible_title": "رئیس اداره فضای سبز منطقه ۶",
        "responsible_phone": "021-88006250",
        "steps": [
            {"title": "ثبت درخواست و بارگذاری عکس درخت", "description": ""},
            {"title": "بازدید کارشناس فضای سبز", "description": ""},
            {"title": "طرح در کمیسیون ماده ۷", "description": "کمیسیون هر هفته تشکیل می‌شود."},
            {
                "title": "اعلام رأی و صدور مجوز",
                "description": "رأی با پیامک اعلام و مجوز برخط صادر می‌شود.",
            },
        ],
        "documents": [
            {"title": "عکس درخت و محل آن", "description": "عکس روشن از تنه و تاج درخت"},
            {"title": "سند یا اجاره‌نامه ملک", "description": "برای درختان داخل ملک"},
        ],
        "regulations": [
            {
                "title": "قانون اصلاح لایحه قانونی حفظ و گسترش فضای سبز در شهرها",
                "reference": "مصوب ۱۳۸۸",
            },
            {"title": "آیین‌نامه اجرایی قانون حفظ و گسترش فضای سبز در شهرها", "reference": ""},
        ],
        "faqs": [
            {
                "question": "درخت خشک‌شده را خودم می‌توانم قطع کنم؟",
                "answer": "خیر. قطع بدون مجوز تخلف است و جریمه دارد.",
            },
            {
                "question": "رأی کمیسیون چگونه اعلام می‌شود؟",
                "answer": "با پیامک و در صفحه پیگیری درخواست.",
            },
        ],
        "form": [
            {"name": "location_address", "label": "نشانی محل درخت", "kind": "textarea"},
            {"name": "tree_count", "label": "تعداد درختان", "kind": "number"},
            {
                "name": "tree_species",
                "label": "گونه درخت",
                "kind": "choice",
                "choices": "چنار\nنارون\nکاج\nاقاقیا\nسایر",
            },
            {"name": "is_dry", "label": "آیا درخت خشک شده است؟", "kind": "yes_no"},
            {"name": "reason", "label": "علت درخواست", "kind": "textarea", "required": False},
            {"name": "tree_photo", "label": "عکس درخت", "kind": "file"},
            {"name": "deed_or_lease", "label": "سند یا اجاره‌نامه ملک", "kind": "file"},
        ],
    },
    # --- Tehran province gas company ---
    {
        "slug": "gas-connection",
        "agency": "tehran-gas",
        "category": "energy",
        "title": "درخواست انشعاب گاز",
        "summary": "درخواست انشعاب و نصب کنتور گاز برای ساختمان‌های مسکونی تازه‌ساز",
        # Arabic letter forms on purpose (see the module docstring).
        "description": (
            "واگذاري انشعاب گاز طبيعي براي ساختمان‌هاي مسكوني پس از تأييد لوله‌كشي داخلي از "
            "سوي سازمان نظام مهندسي انجام مي‌شود. هزينه انشعاب برخط پرداخت مي‌شود و زمان نصب "
            "كنتور با پيامك اعلام مي‌گردد."
        ),
        "national_id": "14071100012",
        "audience": "G2C",
        "nature": "enterprise",
        "level": "provincial",
        "life_event": "ساخت و نوسازی مسکن",
        "trigger": "پایان لوله‌کشی داخلی ساختمان تازه‌ساز",
        "in_person_visits": 0,
        "channels": ["web", "mobile", "sms", "in_person"],
        "average_duration_days": 6,
        "annual_volume": 12000,
        "maturity": "4",
        "duration_working_days": 7,
        "fee_amount": 18_500_000,
        "fee_description": (
            "هزینه انشعاب بر پایه ظرفیت کنتور (G4 تا G16) و تعداد واحدها محاسبه می‌شود؛ مبلغ "
            "درج‌شده برای یک واحد مسکونی با کنتور G4 است."
        ),
        "complaint_procedure": _COMPLAINT_GAS,
        "responsible_name": "مهندس رضا موسوی",
        "responsible_title": "مدیر خدمات مشترکان",
        "responsible_phone": "021-84871210",
        "steps": [
            {"title": "ثبت درخواست و بارگذاری مدارک", "description": ""},
            {"title": "صدور صورت‌حساب هزینه انشعاب", "description": "با پیامک فرستاده می‌شود."},
            {"title": "پرداخت برخط هزینه انشعاب", "description": ""},
            {
                "title": "بازرسی لوله‌کشی داخلی",
                "description": "بازرس نظام مهندسی لوله‌کشی را آزمایش می‌کند.",
            },
            {"title": "نصب علمک و کنتور و گازدار کردن", "description": ""},
        ],
        "documents": [
            {"title": "پروانه ساختمانی یا گواهی پایان کار", "description": ""},
            {"title": "سند مالکیت یا اجاره‌نامه رسمی", "description": ""},
            {"title": "تأییدیه لوله‌کشی داخلی", "description": "صادرشده سازمان نظام مهندسی"},
        ],
        "regulations": [
            {"title": "مقررات ملی ساختمان — مبحث هفدهم: لوله‌کشی گاز طبیعی", "reference": ""},
            {"title": "شرایط عمومی فروش گاز طبیعی", "reference": "شرکت ملی گاز ایران"},
            {"title": "قانون حمایت از حقوق مصرف‌کنندگان", "reference": "مصوب ۱۳۸۸"},
        ],
        "faqs": [
            {
                "question": "چه زمانی کنتور نصب می‌شود؟",
                "answer": "پس از پرداخت هزینه و تأیید لوله‌کشی؛ زمان نصب با پیامک اعلام می‌شود.",
            },
            {
                "question": "برای هر واحد کنتور جدا لازم است؟",
                "answer": "بله، هر واحد مسکونی کنتور و شماره اشتراک جداگانه دارد.",
            },
            {
                "question": "اگر لوله‌کشی تأیید نشود چه می‌شود؟",
                "answer": "ایرادها برای شما فرستاده می‌شود و پس از رفع، دوباره بازرسی می‌شود.",
            },
        ],
        "form": [
            {"name": "building_address", "label": "نشانی ساختمان", "kind": "textarea"},
            {"name": "postal_code", "label": "کد پستی ساختمان", "kind": "postal_code"},
            {"name": "units", "label": "تعداد واحدها", "kind": "number"},
            {
                "name": "meter_size",
                "label": "ظرفیت کنتور درخواستی",
                "kind": "choice",
                "choices": "G4\nG6\nG10\nG16",
            },
            {
                "name": "contact_mobile",
                "label": "تلفن همراه برای هماهنگی نصب",
                "kind": "mobile",
            },
            {"name": "building_permit", "label": "پروانه ساختمانی", "kind": "file"},
            {"name": "piping_approval", "label": "تأییدیه لوله‌کشی داخلی", "kind": "file"},
            {"name": "deed_or_lease", "label": "سند مالکیت یا اجاره‌نامه رسمی", "kind": "file"},
        ],
    },
    {
        "slug": "gas-subscriber-name-change",
        "agency": "tehran-gas",
        "category": "energy",
        "title": "تغییر نام مشترک گاز",
        "summary": "تغییر نام صاحب اشتراک گاز پس از خرید، ارث یا انتقال ملک",
        "description": (
            "پس از انتقال ملک، مالک تازه نام خود را بدون مراجعه حضوری روی اشتراک گاز ثبت "
            "می‌کند. شماره اشتراک و شناسه قبض تغییر نمی‌کند."
        ),
        "national_id": "14071100023",
        "audience": "G2C",
        "nature": "enterprise",
        "level": "provincial",
        "life_event": "خرید و فروش ملک",
        "trigger": "انتقال مالکیت ملک",
        "in_person_visits": 0,
        "channels": ["web", "mobile", "sms"],
        "average_duration_days": 2,
        "annual_volume": 25000,
        "maturity": "4",
        "duration_working_days": 3,
        "fee_amount": 0,
        "fee_description": "رایگان. بدهی گاز مصرفی تا روز تغییر نام باید تسویه شده باشد.",
        "complaint_procedure": _COMPLAINT_GAS,
        "responsible_name": "محمد رحیمی",
        "responsible_title": "کارشناس مسئول خدمات مشترکان",
        "responsible_phone": "021-84871230",
        "steps": [
            {"title": "ثبت درخواست", "description": ""},
            {"title": "تطبیق سند با اطلاعات اشتراک", "description": ""},
            {"title": "تسویه بدهی گاز مصرفی", "description": "اگر بدهی باقی مانده باشد"},
            {"title": "ثبت نام مالک جدید و اعلام با پیامک", "description": ""},
        ],
        "documents": [
            {"title": "سند مالکیت یا مبایعه‌نامه به نام مالک جدید", "description": ""},
            {"title": "آخرین قبض گاز", "description": "", "is_required": False},
        ],
        "regulations": [
            {"title": "شرایط عمومی فروش گاز طبیعی", "reference": "شرکت ملی گاز ایران"},
            {
                "title": "دستورالعمل میز خدمت",
                "reference": "بخشنامه ۱۵۳۸۵۸۸ مورخ ۱۳۹۶/۰۹/۰۷ سازمان اداری و استخدامی کشور",
            },
        ],
        "faqs": [
            {
                "question": "مالک قبلی باید حاضر باشد؟",
                "answer": "خیر. سند انتقال کافی است.",
            },
            {
                "question": "شماره اشتراک عوض می‌شود؟",
                "answer": "خیر. فقط نام مشترک عوض می‌شود.",
            },
        ],
        "form": [
            {"name": "subscription_number", "label": "شماره اشتراک گاز", "kind": "text"},
            {
                "name": "new_owner_national_code",
                "label": "کد ملی مالک جدید",
                "kind": "national_code",
            },
            {"name": "transfer_date", "label": "تاریخ انتقال ملک", "kind": "date"},
            {
                "name": "transfer_reason",
                "label": "علت انتقال",
                "kind": "choice",
                "choices": "خرید\nارث\nهبه\nسایر",
            },
            {"name": "debt_settled", "label": "آیا بدهی قبلی تسویه شده است؟", "kind": "yes_no"},
            {"name": "deed", "label": "سند یا مبایعه‌نامه", "kind": "file"},
            {"name": "last_bill", "label": "آخرین قبض گاز", "kind": "file", "required": False},
        ],
    },
    # --- Shemiranat civil registry ---
    {
        "slug": "birth-certificate-duplicate",
        "agency": "shemiranat-civil-registry",
        "category": "civil-registry",
        "title": "صدور المثنی شناسنامه",
        "summary": "صدور شناسنامه المثنی به جای شناسنامه گم‌شده، فرسوده یا آسیب‌دیده",
        "description": (
            "هویت متقاضی با استعلام از پایگاه اطلاعات هویتی و تطبیق عکس بررسی می‌شود. "
            "شناسنامه المثنی با سری و سریال تازه صادر و با پست فرستاده می‌شود؛ شماره ملی "
            "تغییر نمی‌کند."
        ),
        "national_id": "15030200101",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "national",
        "life_event": "گم شدن مدارک هویتی",
        "trigger": "گم شدن یا فرسودگی شناسنامه",
        "in_person_visits": 0,
        "channels": ["web", "mobile", "in_person"],
        "average_duration_days": 5,
        "annual_volume": 3200,
        "maturity": "3",
        "duration_working_days": 7,
        "fee_amount": 1_000_000,
        "fee_description": (
            "هزینه صدور المثنی بر پایه تعرفه سالانه سازمان ثبت احوال کشور است و برای بار دوم "
            "به بعد بیشتر می‌شود. هزینه ارسال پستی جداگانه است."
        ),
        "complaint_procedure": _COMPLAINT_REGISTRY,
        "responsible_name": "مهدی قاسمی",
        "responsible_title": "رئیس اداره ثبت احوال شمیرانات",
        "responsible_phone": "021-22701010",
        "steps": [
            {"title": "ثبت درخواست و بارگذاری عکس", "description": ""},
            {"title": "احراز هویت با استعلام از پایگاه هویتی", "description": ""},
            {"title": "پرداخت برخط هزینه", "description": ""},
            {"title": "صدور شناسنامه المثنی", "description": ""},
            {"title": "ارسال با پست یا تحویل در میز خدمت", "description": ""},
        ],
        "documents": [
            {"title": "عکس ۳×۴ رنگی تازه", "description": "تمام‌رخ، با زمینه روشن"},
            {"title": "کارت ملی", "description": ""},
            {
                "title": "استشهاد محلی یا گواهی مفقودی",
                "description": "فقط برای شناسنامه گم‌شده",
                "is_required": False,
            },
        ],
        "regulations": [
            {"title": "قانون ثبت احوال", "reference": "مصوب ۱۳۵۵ و اصلاحات بعدی"},
            {"title": "آیین‌نامه اجرایی قانون ثبت احوال", "reference": ""},
        ],
        "faqs": [
            {
                "question": "شماره ملی من عوض می‌شود؟",
                "answer": "خیر. فقط سری و سریال شناسنامه تازه است.",
            },
            {
                "question": "اگر شناسنامه قبلی پیدا شد چه کنم؟",
                "answer": "شناسنامه قبلی باطل است؛ آن را به میز خدمت ثبت احوال تحویل دهید.",
            },
        ],
        "form": [
            {
                "name": "reason",
                "label": "علت درخواست",
                "kind": "choice",
                "choices": "گم شده\nفرسوده یا آسیب‌دیده\nتعویض شناسنامه قدیمی",
            },
            {"name": "birth_date", "label": "تاریخ تولد", "kind": "date"},
            {"name": "birth_place", "label": "محل تولد", "kind": "text"},
            {"name": "photo", "label": "عکس ۳×۴", "kind": "file"},
            {"name": "national_card", "label": "تصویر کارت ملی", "kind": "file"},
            {
                "name": "loss_statement",
                "label": "استشهاد محلی یا گواهی مفقودی",
                "kind": "file",
                "required": False,
                "help_text": "فقط برای شناسنامه گم‌شده",
            },
        ],
    },
    {
        "slug": "birth-registration",
        "agency": "shemiranat-civil-registry",
        "category": "civil-registry",
        "title": "ثبت ولادت و صدور شناسنامه نوزاد",
        "summary": "ثبت ولادت نوزاد با گواهی ولادت الکترونیکی بیمارستان و صدور نخستین شناسنامه",
        # Arabic letter forms on purpose (see the module docstring).
        "description": (
            "والدين مي‌توانند ولادت نوزاد را بدون مراجعه حضوري ثبت كنند. گواهي ولادت به‌صورت "
            "الكترونيكي از بيمارستان به ثبت احوال مي‌رسد و شناسنامه نوزاد با پست فرستاده مي‌شود."
        ),
        "national_id": "15030200112",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "national",
        "life_event": "تولد فرزند",
        "trigger": "تولد نوزاد و صدور گواهی ولادت در بیمارستان",
        "in_person_visits": 0,
        "channels": ["web", "mobile", "in_person"],
        "average_duration_days": 2,
        "annual_volume": 5400,
        "maturity": "4",
        "duration_working_days": 3,
        "fee_amount": 0,
        "fee_description": "صدور نخستین شناسنامه نوزاد رایگان است؛ فقط هزینه پست گرفته می‌شود.",
        "complaint_procedure": _COMPLAINT_REGISTRY,
        "responsible_name": "امیر نوری",
        "responsible_title": "کارشناس مسئول ثبت ولادت",
        "responsible_phone": "021-22701020",
        "steps": [
            {"title": "ثبت درخواست با شماره گواهی ولادت", "description": ""},
            {"title": "استعلام گواهی ولادت از بیمارستان", "description": "بدون دخالت شما"},
            {"title": "ثبت نام نوزاد", "description": "نام باید در فهرست نام‌های مجاز باشد."},
            {"title": "صدور شناسنامه و شماره ملی نوزاد", "description": ""},
            {"title": "ارسال شناسنامه با پست", "description": ""},
        ],
        "documents": [
            {"title": "گواهی ولادت بیمارستان", "description": ""},
            {"title": "شناسنامه و کارت ملی پدر و مادر", "description": ""},
            {"title": "سند ازدواج پدر و مادر", "description": ""},
        ],
        "regulations": [
            {"title": "قانون ثبت احوال — فصل دوم: ولادت", "reference": "مصوب ۱۳۵۵"},
            {"title": "قانون حمایت از خانواده و جوانی جمعیت", "reference": "مصوب ۱۴۰۰"},
        ],
        "faqs": [
            {
                "question": "مهلت ثبت ولادت چقدر است؟",
                "answer": "ولادت را در نخستین روزهای پس از تولد ثبت کنید تا جریمه تأخیر نگیرد.",
            },
            {
                "question": "اگر نام انتخابی پذیرفته نشود؟",
                "answer": "کارشناس با شما تماس می‌گیرد و نام‌های مجاز نزدیک را پیشنهاد می‌دهد.",
            },
            {
                "question": "برای دوقلوها یک درخواست کافی است؟",
                "answer": "خیر، برای هر نوزاد یک درخواست جداگانه ثبت کنید.",
            },
        ],
        "form": [
            {"name": "baby_first_name", "label": "نام نوزاد", "kind": "text"},
            {"name": "baby_sex", "label": "جنسیت", "kind": "choice", "choices": "دختر\nپسر"},
            {"name": "birth_date", "label": "تاریخ تولد", "kind": "date"},
            {"name": "father_national_code", "label": "کد ملی پدر", "kind": "national_code"},
            {"name": "mother_national_code", "label": "کد ملی مادر", "kind": "national_code"},
            {"name": "multiple_birth", "label": "آیا نوزاد دوقلو یا چندقلو است؟", "kind": "yes_no"},
            {"name": "birth_certificate", "label": "گواهی ولادت", "kind": "file"},
            {"name": "parents_ids", "label": "شناسنامه و کارت ملی پدر و مادر", "kind": "file"},
            {"name": "marriage_certificate", "label": "سند ازدواج پدر و مادر", "kind": "file"},
        ],
    },
    {
        "slug": "smart-national-card",
        "agency": "shemiranat-civil-registry",
        "category": "civil-registry",
        "title": "صدور کارت ملی هوشمند",
        "summary": "پیش‌ثبت‌نام و صدور کارت ملی هوشمند برای نخستین بار یا به جای کارت قدیمی",
        "description": (
            "پیش‌ثبت‌نام و پرداخت برخط است. برای ثبت اثر انگشت و عکس یک بار به میز خدمت "
            "می‌آیید و نوبت آن را همین‌جا می‌گیرید. آماده شدن کارت با پیامک اعلام می‌شود."
        ),
        "national_id": "15030200123",
        "audience": "G2C",
        "nature": "sovereign",
        "level": "national",
        "life_event": "رسیدن به ۱۵ سالگی",
        "trigger": "رسیدن به ۱۵ سالگی یا پایان اعتبار کارت ملی قدیمی",
        "in_person_visits": 1,
        "channels": ["web", "mobile", "in_person"],
        "average_duration_days": 10,
        "annual_volume": 7000,
        "maturity": "3",
        "duration_working_days": 10,
        "fee_amount": 3_000_000,
        "fee_description": "هزینه صدور کارت را هیئت وزیران هر سال تعیین می‌کند؛ پرداخت برخط است.",
        "complaint_procedure": _COMPLAINT_REGISTRY,
        "responsible_name": "لیلا صادقی",
        "responsible_title": "مسئول میز خدمت ثبت احوال شمیرانات",
        "responsible_phone": "021-22701030",
        "steps": [
            {"title": "پیش‌ثبت‌نام برخط و پرداخت هزینه", "description": ""},
            {"title": "گرفتن نوبت ثبت اثر انگشت و عکس", "description": "حداکثر ظرف ۳ روز کاری"},
            {"title": "مراجعه به میز خدمت در روز نوبت", "description": "همراه با شناسنامه"},
            {"title": "صدور کارت و اعلام آمادگی با پیامک", "description": ""},
            {"title": "تحویل کارت", "description": "در میز خدمت یا با پست"},
        ],
        "documents": [
            {"title": "شناسنامه عکس‌دار", "description": ""},
            {"title": "کارت ملی قدیمی", "description": "اگر دارید", "is_required": False},
        ],
        "regulations": [
            {
                "title": "قانون الزام اخذ کارت شناسایی ملی برای کلیه اتباع ایرانی",
                "reference": "مصوب ۱۳۷۶",
            },
            {"title": "قانون ثبت احوال", "reference": "مصوب ۱۳۵۵ و اصلاحات بعدی"},
        ],
        "faqs": [
            {
                "question": "چرا باید حضوری بیایم؟",
                "answer": "ثبت اثر انگشت و عکس فقط با دستگاه میز خدمت ممکن است.",
            },
            {
                "question": "کارت ملی قدیمی تا کی اعتبار دارد؟",
                "answer": "تا زمانی که سازمان ثبت احوال اعلام کند؛ تعویض آن را به تأخیر نیندازید.",
            },
        ],
        "form": [
            {
                "name": "card_type",
                "label": "نوع درخواست",
                "kind": "choice",
                "choices": "نخستین کارت\nتعویض کارت قدیمی\nالمثنی کارت گم‌شده",
            },
            # Once-only (docs/registries.md): the name comes from the civil registry, the
            # address from the post office; the demo's fake systems answer them.
            {
                "name": "birth_date",
                "label": "تاریخ تولد",
                "kind": "date",
                "registry": "civil_registry.birth_date",
            },
            {
                "name": "first_name",
                "label": "نام",
                "kind": "text",
                "registry": "civil_registry.first_name",
            },
            {
                "name": "last_name",
                "label": "نام خانوادگی",
                "kind": "text",
                "registry": "civil_registry.last_name",
            },
            {
                "name": "father_name",
                "label": "نام پدر",
                "kind": "text",
                "registry": "civil_registry.father_name",
            },
            {
                "name": "postal_code",
                "label": "کد پستی محل سکونت",
                "kind": "postal_code",
                "registry": "postal_code.postal_code",
            },
            {
                "name": "address",
                "label": "نشانی محل سکونت",
                "kind": "textarea",
                "registry": "postal_code.address",
            },
            {"name": "contact_mobile", "label": "تلفن همراه", "kind": "mobile"},
            {"name": "birth_certificate_scan", "label": "تصویر صفحه اول شناسنامه", "kind": "file"},
            {
                "name": "old_national_card",
                "label": "کارت ملی قدیمی",
                "kind": "file",
                "required": False,
                "help_text": "اگر دارید",
            },
        ],
    },
    # --- Tehran province industry, mine and trade ---
    {
        "slug": "industrial-establishment-license",
        "agency": "tehran-industry",
        "category": "business",
        "title": "صدور جواز تأسیس واحد صنعتی",
        "summary": "صدور جواز تأسیس برای احداث واحد صنعتی تازه در استان تهران",
        "description": (
            "سرمایه‌گذار طرح را ثبت می‌کند؛ استعلام از محیط زیست و منابع طبیعی به‌صورت "
            "الکترونیکی انجام می‌شود و جواز تأسیس با زمان‌بندی اجرای طرح صادر می‌گردد."
        ),
        "national_id": "16110300201",
        "audience": "G2B",
        "nature": "sovereign",
        "level": "provincial",
        "life_event": "راه‌اندازی کسب‌وکار",
        "trigger": "تصمیم سرمایه‌گذار به احداث واحد صنعتی",
        "in_person_visits": 0,
        "channels": ["web"],
        "average_duration_days": 7,
        "annual_volume": 2100,
        "maturity": "4",
        "duration_working_days": 10,
        "fee_amount": 0,
        "fee_description": "صدور جواز تأسیس رایگان است.",
        "complaint_procedure": _COMPLAINT_INDUSTRY,
        "responsible_name": "بهرام عباسی",
        "responsible_title": "معاون امور صنایع",
        "responsible_phone": "021-66401100",
        "steps": [
            {"title": "ثبت درخواست و بارگذاری طرح توجیهی", "description": ""},
            {"title": "بررسی طرح توجیهی فنی و اقتصادی", "description": ""},
            {
                "title": "استعلام از محیط زیست و منابع طبیعی",
                "description": "استعلام الکترونیکی است؛ نامه‌ای به شما داده نمی‌شود.",
            },
            {"title": "صدور جواز تأسیس", "description": ""},
        ],
        "documents": [
            {"title": "اساسنامه و آگهی تأسیس شرکت در روزنامه رسمی", "description": ""},
            {"title": "طرح توجیهی فنی و اقتصادی", "description": ""},
            {"title": "کارت ملی مدیرعامل", "description": ""},
        ],
        "regulations": [
            {"title": "قانون تسهیل صدور مجوزهای کسب‌وکار", "reference": "مصوب ۱۴۰۰"},
            {"title": "قانون بهبود مستمر محیط کسب‌وکار", "reference": "مصوب ۱۳۹۰"},
            {"title": "قانون اجرای سیاست‌های کلی اصل ۴۴ قانون اساسی", "reference": "مصوب ۱۳۸۷"},
        ],
        "faqs": [
            {
                "question": "برای استعلام‌ها باید به اداره محیط زیست بروم؟",
                "answer": "خیر. استعلام‌ها را سازمان الکترونیکی انجام می‌دهد.",
            },
            {
                "question": "اعتبار جواز تأسیس چقدر است؟",
                "answer": "تا پایان زمان‌بندی اجرای طرح که در جواز نوشته می‌شود؛ تمدید آن برخط است.",
            },
        ],
        "form": [
            {"name": "company_name", "label": "نام شرکت", "kind": "text"},
            {"name": "company_national_id", "label": "شناسه ملی شرکت", "kind": "text"},
            {"name": "product", "label": "محصول اصلی", "kind": "text"},
            {"name": "capacity", "label": "ظرفیت سالانه (تن)", "kind": "number"},
            {"name": "employees", "label": "تعداد شاغلان پیش‌بینی‌شده", "kind": "number"},
            {"name": "site_address", "label": "نشانی محل طرح", "kind": "textarea"},
            {"name": "articles", "label": "اساسنامه و آگهی تأسیس", "kind": "file"},
            {"name": "feasibility_study", "label": "طرح توجیهی", "kind": "file"},
            {"name": "ceo_national_card", "label": "کارت ملی مدیرعامل", "kind": "file"},
        ],
    },
    {
        "slug": "industrial-operation-license",
        "agency": "tehran-industry",
        "category": "business",
        "title": "صدور پروانه بهره‌برداری واحد صنعتی",
        "summary": "صدور پروانه بهره‌برداری پس از پایان ساخت و نصب ماشین‌آلات واحد صنعتی",
        "description": (
            "کارشناس سازمان از واحد بازدید می‌کند و استعلام‌های محیط زیست و آتش‌نشانی "
            "الکترونیکی انجام می‌شود. پروانه بهره‌برداری برخط صادر می‌شود."
        ),
        "national_id": "16110300212",
        "audience": "G2B",
        "nature": "sovereign",
        "level": "provincial",
        "life_event": "توسعه کسب‌وکار",
        "trigger": "پایان ساخت و نصب ماشین‌آلات واحد دارای جواز تأسیس",
        "in_person_visits": 0,
        "channels": ["web", "phone"],
        "average_duration_days": 9,
        "annual_volume": 900,
        "maturity": "3",
        "duration_working_days": 10,
        "fee_amount": 0,
        "fee_description": "صدور پروانه بهره‌برداری رایگان است.",
        "complaint_procedure": _COMPLAINT_INDUSTRY,
        "responsible_name": "سعید یوسفی",
        "responsible_title": "رئیس اداره صدور مجوزهای صنعتی",
        "responsible_phone": "021-66401120",
        "steps": [
            {"title": "ثبت درخواست", "description": ""},
            {"title": "بازدید کارشناس از واحد", "description": "زمان بازدید با پیامک اعلام می‌شود."},
            {"title": "استعلام از محیط زیست و آتش‌نشانی", "description": ""},
            {"title": "صدور پروانه بهره‌برداری", "description": ""},
        ],
        "documents": [
            {"title": "جواز تأسیس معتبر", "description": ""},
            {"title": "گواهی ایمنی آتش‌نشانی", "description": ""},
            {"title": "فهرست ماشین‌آلات نصب‌شده", "description": ""},
        ],
        "regulations": [
            {"title": "قانون تسهیل صدور مجوزهای کسب‌وکار", "reference": "مصوب ۱۴۰۰"},
            {"title": "قانون بهبود مستمر محیط کسب‌وکار", "reference": "مصوب ۱۳۹۰"},
        ],
        "faqs": [
            {
                "question": "پیش از پروانه می‌توانم تولید آزمایشی داشته باشم؟",
                "answer": "بله، تاریخ آغاز تولید آزمایشی را در فرم بنویسید.",
            },
            {
                "question": "اگر بازدید ایرادی داشته باشد؟",
                "answer": "ایرادها در صفحه پیگیری نوشته می‌شود و پس از رفع، بازدید تکرار می‌شود.",
            },
        ],
        "form": [
            {"name": "establishment_license_no", "label": "شماره جواز تأسیس", "kind": "text"},
            {"name": "trial_start", "label": "تاریخ آغاز تولید آزمایشی", "kind": "date"},
            {"name": "ready_for_visit", "label": "آیا واحد آماده بازدید است؟", "kind": "yes_no"},
            {"name": "contact_mobile", "label": "تلفن همراه هماهنگی بازدید", "kind": "mobile"},
            {"name": "establishment_license", "label": "تصویر جواز تأسیس", "kind": "file"},
            {"name": "fire_certificate", "label": "گواهی ایمنی آتش‌نشانی", "kind": "file"},
            {"name": "machinery_list", "label": "فهرست ماشین‌آلات نصب‌شده", "kind": "file"},
        ],
    },
]

# --- The demo citizen's requests ----------------------------------------------------------------
# Filed and moved on through the submission services, so that timelines and SMS are real. Every
# file field of the service gets a copy of the sample PDF (desk/demo/sample_pdf.py); "result"
# names the file a "complete" issues.

DEMO_REQUESTS: list[dict[str, Any]] = [
    {
        # Runs on the five-step workflow: intake has accepted it, the technical unit has it now.
        "service": "building-permit",
        "answers": {
            "owner_national_code": "0084575948",
            "plot_address": "تهران، یوسف‌آباد، خیابان نمونه، پلاک ۲۴",
            "postal_code": "1433813117",
            "plot_area": 240,
            "permit_type": "تخریب و نوسازی",
            "floors": 4,
        },
        "actions": [
            {"action": "start_review", "by": "tehran6-expert"},
            {"action": "accept", "by": "tehran6-expert"},
        ],
    },
    {
        # Taken up and accepted: the municipality's inquiry to the gas company is sent (and waits
        # in the gas company's inquiries inbox, gas-expert).
        "service": "property-transfer-inquiry",
        "answers": {
            "notary_office": 125,
            "registration_plate": "۴۲۱۶ فرعی از ۷۹ اصلی",
            "seller_national_code": "0084575948",
            "buyer_national_code": "4455667784",
        },
        "actions": [
            {"action": "start_review", "by": "tehran6-expert"},
            {"action": "accept", "by": "tehran6-expert"},
        ],
    },
    {
        "service": "tree-removal-permit",
        "answers": {
            "location_address": "تهران، یوسف‌آباد، خیابان نمونه، پلاک ۱۲، حیاط ساختمان",
            "tree_count": 1,
            "tree_species": "چنار",
            "is_dry": "yes",
            "reason": "درخت خشک شده و شاخه‌های آن روی پشت‌بام همسایه افتاده است.",
        },
        "actions": [{"action": "start_review", "by": "tehran6-expert"}],
    },
    {
        "service": "gas-connection",
        "answers": {
            "building_address": "تهران، امیرآباد، کوچه نمونه، پلاک ۸",
            "postal_code": "1439813117",
            "units": 4,
            "meter_size": "G6",
            "contact_mobile": "+989121234567",
        },
        "actions": [
            {"action": "start_review", "by": "gas-expert"},
            {
                "action": "request_info",
                "by": "gas-expert",
                "message": (
                    "برگ دوم تأییدیه لوله‌کشی خوانا نیست. لطفاً نسخه کامل و خوانای تأییدیه "
                    "نظام مهندسی را بارگذاری کنید."
                ),
            },
        ],
    },
    {
        "service": "birth-certificate-duplicate",
        "answers": {
            "reason": "گم شده",
            "birth_date": date(1990, 6, 2),
            "birth_place": "تهران",
        },
        "actions": [
            {"action": "start_review", "by": "shemiranat-expert"},
            {
                "action": "complete",
                "by": "shemiranat-manager",
                "message": "شناسنامه المثنی صادر شد و با پست پیشتاز برای شما فرستاده می‌شود.",
                "result": "mosanna-receipt.pdf",
            },
        ],
    },
]


# Workflows as data. Services without one run the default path (review → done or rejected,
# with the citizen asked for more when needed).
WORKFLOWS: dict[str, dict[str, Any]] = {
    # Two agencies in one service: the municipality asks the gas company (INQUIRY_RULES).
    "property-transfer-inquiry": {
        "steps": [
            {
                "key": "intake",
                "kind": "review",
                "is_start": True,
                "role": "expert",
                "citizen_label": "بررسی درخواست",
                "staff_label": "بررسی درخواست و سند",
                "duration_days": 1,
            },
            {
                "key": "gas_inquiry",
                "kind": "inquiry",
                "role": "expert",
                "citizen_label": "استعلام بدهی گاز ملک از شرکت گاز",
                "staff_label": "استعلام از شرکت گاز",
                "duration_days": 3,
            },
            {
                "key": "decision",
                "kind": "decision",
                "role": "expert",
                "citizen_label": "صدور پاسخ استعلام",
                "staff_label": "صدور پاسخ استعلام نقل و انتقال",
                "duration_days": 1,
            },
            {
                "key": "done",
                "kind": "end_completed",
                "citizen_label": "پاسخ استعلام صادر شد",
                "staff_label": "صادرشده",
            },
            {
                "key": "rejected",
                "kind": "end_rejected",
                "citizen_label": "رد شد",
                "staff_label": "ردشده",
            },
        ],
        "actions": [
            {
                "source": "intake",
                "target": "gas_inquiry",
                "key": "accept",
                "label": "تأیید و استعلام",
            },
            {
                "source": "intake",
                "target": "rejected",
                "key": "reject",
                "label": "رد درخواست",
                "needs_message": True,
            },
            {
                "source": "gas_inquiry",
                "target": "decision",
                "key": "go_on",
                "label": "ادامه بدون انتظار برای پاسخ",
            },
            {
                "source": "gas_inquiry",
                "target": "rejected",
                "key": "reject",
                "label": "رد درخواست",
                "needs_message": True,
            },
            {
                "source": "decision",
                "target": "done",
                "key": "complete",
                "label": "صدور پاسخ استعلام",
                "needs_result": True,
            },
            {
                "source": "decision",
                "target": "rejected",
                "key": "reject",
                "label": "رد درخواست",
                "needs_message": True,
            },
        ],
    },
    "building-permit": {
        "steps": [
            {
                "key": "intake",
                "kind": "review",
                "is_start": True,
                "role": "expert",
                "department": "واحد پذیرش و بررسی مدارک",
                "citizen_label": "بررسی مدارک",
                "staff_label": "بررسی اولیه مدارک",
                "duration_days": 2,
            },
            {
                "key": "ask",
                "kind": "ask_citizen",
                "role": "expert",
                "department": "واحد پذیرش و بررسی مدارک",
                "citizen_label": "در انتظار تکمیل مدارک از سوی شما",
                "staff_label": "در انتظار پاسخ متقاضی",
            },
            {
                "key": "technical",
                "kind": "review",
                "role": "expert",
                "department": "واحد فنی و بازدید",
                "citizen_label": "بازدید و بررسی فنی",
                "staff_label": "بازدید از ملک و بررسی فنی نقشه‌ها",
                "duration_days": 4,
            },
            {
                "key": "payment",
                "kind": "payment",
                "role": "expert",
                "department": "واحد درآمد",
                "citizen_label": "تأیید پرداخت عوارض",
                "staff_label": "تأیید واریز عوارض پروانه",
                "duration_days": 1,
            },
            {
                "key": "decision",
                "kind": "decision",
                "role": "manager",
                "department": "واحد فنی و بازدید",
                "citizen_label": "تصمیم نهایی",
                "staff_label": "تأیید نهایی معاون شهرسازی",
                "duration_days": 2,
            },
            {
                "key": "issued",
                "kind": "end_completed",
                "citizen_label": "پروانه صادر شد",
                "staff_label": "پروانه صادرشده",
            },
            {
                "key": "rejected",
                "kind": "end_rejected",
                "citizen_label": "رد شد",
                "staff_label": "ردشده",
            },
        ],
        "actions": [
            {
                "source": "intake",
                "target": "technical",
                "key": "accept",
                "label": "تأیید مدارک و ارسال به واحد فنی",
            },
            {
                "source": "intake",
                "target": "ask",
                "key": "request_info",
                "label": "درخواست مدرک از متقاضی",
                "needs_message": True,
            },
            {
                "source": "intake",
                "target": "rejected",
                "key": "reject",
                "label": "رد درخواست",
                "needs_message": True,
            },
            {
                "source": "ask",
                "target": "intake",
                "key": "provide_info",
                "label": "ارسال مدارک تکمیلی",
                "by_citizen": True,
            },
            {
                "source": "technical",
                "target": "payment",
                "key": "approve",
                "label": "تأیید فنی و صدور فیش عوارض",
            },
            {
                "source": "technical",
                "target": "rejected",
                "key": "reject",
                "label": "رد فنی",
                "needs_message": True,
            },
            {
                "source": "payment",
                "target": "decision",
                "key": "confirm_payment",
                "label": "واریز عوارض تأیید شد",
            },
            {
                "source": "decision",
                "target": "issued",
                "key": "complete",
                "label": "صدور پروانه",
                "needs_result": True,
            },
            {
                "source": "decision",
                "target": "rejected",
                "key": "reject",
                "label": "رد نهایی",
                "needs_message": True,
            },
        ],
    },
}

# What each inquiry step asks, of whom, and what it shares (desk.inquiries.InquiryRule).
INQUIRY_RULES: list[dict[str, Any]] = [
    {
        "service": "property-transfer-inquiry",
        "step_key": "gas_inquiry",
        "targets": "tehran-gas",
        "question": "آیا ملک با این پلاک ثبتی بدهی گاز یا انشعاب غیرمجاز دارد؟",
        "shared_fields": "registration_plate,seller_national_code",
        "wait_for": "all",
        "on_answer": "advance",
        "answer_days": 3,
    },
]
