"""The default checklist: the service-desk directive's duties (circular 1538588, 1396/09/07,
under articles 17–18 of the citizens' rights resolution) and the Esfand 1398 circular, as axes
and indicators. Plain data: the data migration and ``manage.py evaluation_default_template``
load it. Axis weights add up to 100; an indicator's weight is relative within its axis.

``kpi`` names the KPI of desk/oversight (``desk.oversight.kpis.KPIS``, by name) whose figure
the system offers as evidence; docs/evaluation.md lists them.
"""

from __future__ import annotations

from typing import Any

CODE = "service-desk-directive"
TITLE = "چک‌لیست ارزیابی میز خدمت (دستورالعمل ۱۵۳۸۵۸۸)"
DESCRIPTION = (
    "ارزیابی استقرار میز خدمت حضوری و الکترونیکی و تکریم ارباب رجوع، بر پایه دستورالعمل "
    "میز خدمت و بخشنامه ثبت الکترونیکی درخواست‌ها و مکاتبات."
)

# What each score means, for every indicator unless it says otherwise (0 to 4).
LEVELS: list[dict[str, Any]] = [
    {"score": 0, "text": "انجام نشده است"},
    {"score": 1, "text": "آغاز شده، برای بخش کوچکی از خدمات"},
    {"score": 2, "text": "برای نیمی از خدمات انجام می‌شود"},
    {"score": 3, "text": "برای بیشتر خدمات انجام می‌شود"},
    {"score": 4, "text": "برای همه خدمات، کامل و پایدار"},
]


def _i(
    code: str,
    title: str,
    *,
    weight: int = 1,
    evidence: str = "",
    kpi: str = "",
    description: str = "",
) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "weight": weight,
        "evidence_required": bool(evidence),
        "evidence_hint": evidence,
        "kpi_code": kpi,
        "description": description,
    }


AXES: list[dict[str, Any]] = [
    {
        "title": "شناسنامه و معرفی خدمات",
        "weight": 15,
        "indicators": [
            _i(
                "service-card",
                "شناسنامه کامل هر خدمت (مراحل، مدارک، قوانین، پرسش‌های متداول، زمان، هزینه)",
                weight=2,
                evidence="فهرست خدمات با پیوند شناسنامه هر کدام",
                kpi="complete_cards",
            ),
            _i(
                "responsible-person",
                "معرفی پاسخ‌گوی هر خدمت و روش پیگیری و شکایت در شناسنامه",
            ),
        ],
    },
    {
        "title": "خدمات الکترونیکی",
        "weight": 30,
        "indicators": [
            _i(
                "electronic-forms",
                "فرم الکترونیکی و بارگذاری مدارک برای هر خدمت",
                weight=2,
                kpi="web_share",
            ),
            _i(
                "tracking-code",
                "کد رهگیری یکتا و رسید با تاریخ پاسخ نهایی برای هر درخواست",
            ),
            _i("sms", "پیامک در هر مرحله رسیدگی", kpi="sms_delivery"),
            _i(
                "inquiries",
                "استعلام الکترونیکی از دستگاه‌های دیگر به جای رفت‌وآمد شهروند",
                kpi="inquiry_given_days",
            ),
            _i(
                "electronic-result",
                "تحویل الکترونیکی نتیجه (سند قابل صحت‌سنجی)",
                evidence="نمونه سند الکترونیکی صادرشده",
            ),
            _i("payment", "پرداخت الکترونیکی هزینه‌ها", kpi="revenue"),
        ],
    },
    {
        "title": "پاسخ‌گویی در موعد و حضور کمتر",
        "weight": 25,
        "indicators": [
            _i(
                "on-time",
                "پاسخ به درخواست‌ها تا تاریخ وعده‌داده‌شده در رسید",
                weight=2,
                kpi="on_time",
            ),
            _i(
                "appointments",
                "نوبت‌دهی الکترونیکی ظرف ۳ روز کاری برای خدمات نیازمند حضور",
                weight=2,
                kpi="appointment_compliance",
            ),
            _i("visits", "کاهش دفعات مراجعه حضوری برای هر خدمت", kpi="visits_per_request"),
            _i(
                "letters",
                "ثبت الکترونیکی مکاتبات شهروندان با شماره و تاریخ دبیرخانه",
                evidence="گزارش دفتر دبیرخانه الکترونیکی",
            ),
        ],
    },
    {
        "title": "تکریم ارباب رجوع و رضایت",
        "weight": 20,
        "indicators": [
            _i(
                "survey",
                "نظرسنجی الکترونیکی پس از هر خدمت و نرخ پاسخ",
                weight=2,
                kpi="satisfaction_overall",
            ),
            _i(
                "respect",
                "رفتار کارکنان، امکانات محل مراجعه و راهنمایی (فرم تکریم)",
                evidence="گزارش اقدام‌های تکریم ارباب رجوع",
            ),
            _i(
                "no-connections",
                "انجام کار بدون نیاز به آشنا و پارتی",
                kpi="connections_share",
            ),
        ],
    },
    {
        "title": "شکایات و نظارت",
        "weight": 10,
        "indicators": [
            _i(
                "complaints",
                "رسیدگی به شکایات در مهلت و اعلام نتیجه به شاکی",
                weight=2,
                kpi="complaint_answer_days",
            ),
            _i(
                "self-assessment",
                "خودارزیابی دوره‌ای و اقدام اصلاحی بر پایه آن",
                evidence="صورت‌جلسه خودارزیابی و برنامه اقدام",
            ),
        ],
    },
]
