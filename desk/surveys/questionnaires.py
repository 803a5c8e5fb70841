"""The two national questionnaires as plain data: version 1 of each, loaded by the data
migration (``0002_standard_forms``) and by ``forms_install`` for a database emptied by a test.

Every scale item is answered 1 (the worst outcome for the citizen) to 5 (the best), whatever
its words, so that a mean per axis means the same thing for every item; an item asked the
other way round («how much did you feel the need for connections») turns its labels instead.
"""

from __future__ import annotations

from typing import Any

_MUCH = ["خیلی زیاد", "زیاد", "متوسط", "کم", "اصلاً"]  # a burden: less is better
_EASY = ["خیلی سخت", "سخت", "متوسط", "آسان", "خیلی آسان"]
_PLEASED = ["خیلی ناراضی", "ناراضی", "متوسط", "راضی", "خیلی راضی"]

COMMENT: dict[str, Any] = {
    "key": "comment",
    "text": "اگر نکته یا پیشنهادی دارید، بنویسید.",
    "hint": "فقط مدیران این دستگاه آن را می‌خوانند. نام یا کد ملی خود را ننویسید.",
    "kind": "text",
    "required": False,
}

TAKRIM: list[dict[str, Any]] = [
    {
        "key": "steps_info",
        "axis": "transparency",
        "text": "اطلاع‌رسانی درباره مراحل انجام کار چطور بود؟",
    },
    {
        "key": "documents_info",
        "axis": "transparency",
        "text": "اطلاع‌رسانی درباره مدارک لازم چطور بود؟",
    },
    {
        "key": "rules",
        "axis": "mastery",
        "text": "رعایت قانون و ضوابط و رفتار یکسان با همه چطور بود؟",
    },
    {
        "key": "staff_conduct",
        "axis": "responsiveness",
        "text": "رفتار و برخورد کارکنان با شما چطور بود؟",
    },
    {
        "key": "facilities",
        "axis": "systematic",
        "text": "امکانات محل یا سامانه (نشستن، راهنما، نوبت) چطور بود؟",
    },
    {
        "key": "complaint_handling",
        "axis": "responsiveness",
        "text": "رسیدگی به شکایت یا اعتراض شما چطور بود؟",
        "hint": "اگر شکایتی نداشتید، «موردی نداشت» را بزنید.",
        "allow_not_applicable": True,
    },
    {
        "key": "follow_up",
        "axis": "responsiveness",
        "text": "پیگیری درخواست (با پیامک یا کد رهگیری) چطور بود؟",
    },
    {"key": "accuracy", "axis": "mastery", "text": "دقت و درستی انجام کار شما چطور بود؟"},
    {
        "key": "visits",
        "axis": "time",
        "text": "چقدر مجبور شدید برای این کار حضوری مراجعه کنید؟",
        "labels": _MUCH,
    },
    {
        "key": "promised_date",
        "axis": "time",
        "text": "کار شما تا تاریخی که در رسید آمده بود انجام شد؟",
        "labels": ["خیلی دیرتر", "دیرتر", "کمی دیرتر", "سر موعد", "زودتر"],
    },
    {
        "key": "units_visited",
        "axis": "time",
        "text": "چقدر مجبور شدید به واحدها یا اتاق‌های مختلف بروید؟",
        "labels": _MUCH,
    },
    {
        "key": "ease_of_access",
        "axis": "systematic",
        "text": "دسترسی به این خدمت (سامانه، تلفن، محل) چقدر آسان بود؟",
        "labels": _EASY,
    },
    {
        "key": "documents_once",
        "axis": "systematic",
        "text": "چقدر مدارک شما یک بار و یک جا گرفته شد؟",
        "labels": ["اصلاً", "کم", "تا حدی", "بیشتر", "کاملاً"],
    },
    {
        "key": "repeated_copies",
        "axis": "systematic",
        "text": "چقدر کپی مدارکی را خواستند که پیش‌تر داده بودید؟",
        "labels": _MUCH,
    },
    {
        "key": "connections",
        "axis": "systematic",
        "text": "چقدر احساس کردید برای انجام کارتان به سفارش و توصیه (پارتی) نیاز است؟",
        "labels": _MUCH,
        "red_flag": True,
    },
    {
        "key": "overall",
        "axis": "overall",
        "text": "روی هم رفته از این خدمت چقدر راضی هستید؟",
        "labels": _PLEASED,
    },
    COMMENT,
]

ESERVICE: list[dict[str, Any]] = [
    {
        "key": "ease_of_use",
        "axis": "systematic",
        "text": "کار با سامانه چقدر آسان بود؟",
        "labels": _EASY,
    },
    {
        "key": "information",
        "axis": "transparency",
        "text": "راهنمای خدمت و مدارک لازم چقدر روشن بود؟",
        "labels": ["خیلی گنگ", "گنگ", "متوسط", "روشن", "خیلی روشن"],
    },
    {"key": "speed", "axis": "time", "text": "سرعت انجام درخواست شما چطور بود؟"},
    {
        "key": "overall",
        "axis": "overall",
        "text": "روی هم رفته از این خدمت چقدر راضی هستید؟",
        "labels": _PLEASED,
    },
    COMMENT,
]

STANDARD: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "takrim": ("پرسشنامه استاندارد تکریم ارباب رجوع", TAKRIM),
    "eservice": ("نظرسنجی کوتاه خدمت الکترونیکی", ESERVICE),
}


def install(survey_form_model: Any, version_model: Any, question_model: Any, now: Any) -> None:
    """Create each standard form with a published version 1 unless it exists (models passed
    in, so that the data migration can use its historical ones)."""
    for kind, (title, questions) in STANDARD.items():
        form, _created = survey_form_model.objects.get_or_create(
            kind=kind, defaults={"title": title}
        )
        if form.versions.exists():
            continue
        version = version_model.objects.create(form=form, number=1, published_at=now)
        for order, item in enumerate(questions, start=1):
            question_model.objects.create(
                version=version,
                order=order,
                key=item["key"],
                text=item["text"],
                hint=item.get("hint", ""),
                kind=item.get("kind", "scale"),
                axis=item.get("axis", ""),
                labels=item.get("labels", []),
                allow_not_applicable=item.get("allow_not_applicable", False),
                red_flag=item.get("red_flag", False),
                required=item.get("required", True),
            )
