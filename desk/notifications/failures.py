"""A failed message's error as staff read it: what went wrong, in Persian, and what to do.

The outbox keeps the gateway's own words (``[code] text``, for operators and the logs); the
pages show :func:`explain` of it, with the technical text folded away beneath.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_CODED = re.compile(r"^\[(?P<code>[^\]]+)\]")
_LATIN = re.compile("[A-Za-z]")
GAVE_UP_SUFFIX = "تلاش دوباره در مهلت ارسال ممکن نبود."

# What each failure means, by kind; the codes of each gateway map to one of them.
_KINDS: dict[str, str] = {
    "timeout": "درگاه پیامک دیر پاسخ داد و شاید پیام رفته باشد؛ سامانه پیش از ارسال دوباره از "
    "درگاه می‌پرسد. کاری از شما لازم نیست.",
    "network": "به درگاه پیامک وصل نشدیم؛ سامانه خودش دوباره تلاش می‌کند. کاری از شما لازم نیست.",
    "unknown_id": "درگاه پیام را پذیرفت ولی شناسه‌ای برای آن نداد؛ سامانه پیش از ارسال دوباره از "
    "درگاه می‌پرسد. کاری از شما لازم نیست.",
    "down": "درگاه پیامک موقتاً از دسترس خارج است؛ سامانه خودش دوباره تلاش می‌کند. کاری از شما "
    "لازم نیست.",
    "throttled": "درگاه پیامک ارسال‌ها را موقتاً محدود کرده است؛ سامانه کمی بعد دوباره تلاش می‌کند.",
    "blacklist": "شماره گیرنده دریافت پیامک از خطوط انبوه را بسته است (فهرست سیاه مخابرات). "
    "شماره دیگری از متقاضی بگیرید یا نتیجه را تلفنی به او خبر دهید.",
    "bad_number": "شماره همراه گیرنده پذیرفته نشد. شماره را با متقاضی بررسی و در پرونده اصلاح "
    "کنید.",
    "bad_text": "درگاه متن پیام را نپذیرفت (طول، نویسه‌ها یا پیوند)؛ به راهبر سامانه خبر دهید تا "
    "قالب پیام اصلاح شود.",
    "credit": "اعتبار حساب درگاه پیامک تمام شده است؛ به راهبر سامانه خبر دهید. پیام‌ها در صف "
    "می‌مانند و پس از افزودن اعتبار فرستاده می‌شوند.",
    "account": "حساب، کلید یا خط درگاه پیامک اشکال دارد؛ به راهبر سامانه خبر دهید. پیام‌ها در صف "
    "می‌مانند تا اشکال رفع شود.",
    "other": "درگاه پیام را نفرستاد؛ اگر تا فردا فرستاده نشد به راهبر سامانه خبر دهید.",
}

_GENERIC_CODES = {
    "timeout": "timeout",
    "network": "network",
    "noid": "unknown_id",
    "blacklist": "blacklist",
    "invalid": "bad_number",
    "503": "down",
    "411": "bad_number",  # the local test gateway's «invalid receptor»
}

# https://kavenegar.com/rest.html — `return.status`.
_KAVENEGAR = {
    **dict.fromkeys(("401", "403", "407", "412"), "account"),
    "418": "credit",
    "409": "down",
    "411": "bad_number",
    **dict.fromkeys(("413", "420", "422"), "bad_text"),
    **dict.fromkeys(("400", "406", "414", "501"), "account"),
}

# https://app.sms.ir/developer/help — the `status` of an answer.
_SMSIR = {
    "0": "down",
    **dict.fromkeys(("10", "11", "12", "13", "14", "101"), "account"),
    "102": "credit",
    "20": "throttled",
    **dict.fromkeys(("103", "104", "105", "107", "108", "115", "117"), "bad_text"),
}

_BY_PROVIDER = {"kavenegar": _KAVENEGAR, "smsir": _SMSIR}


def _kind(provider: str, code: str) -> str:
    found = _BY_PROVIDER.get(provider, {}).get(code) or _GENERIC_CODES.get(code)
    if found:
        return found
    if code.startswith("http5") or (code.isdigit() and len(code) == 3 and code[0] == "5"):
        return "down"
    return "other"


def explain(error: str, provider: str = "") -> str:
    """The Persian sentence staff read for a message's ``last_error``: a gateway's coded error
    by what it means and what to do; the outbox's own Persian reasons as they are."""
    error = error.strip()
    if not error:
        return ""
    gave_up = error.endswith(GAVE_UP_SUFFIX)
    coded = _CODED.match(error)
    if coded:
        text = _(_KINDS[_kind(provider, coded["code"])])
    elif _LATIN.search(error):  # an uncoded gateway or mail server message: not for staff
        text = _(_KINDS["other"])
    else:
        return error
    if not gave_up:
        return text
    cause = text.split("؛")[0].split(".")[0]
    return _(
        "پیام در مهلت ارسالش فرستاده نشد و دیگر تلاش نمی‌شود (%(cause)s). اگر هنوز لازم "
        "است، آن را دوباره بفرستید یا تلفنی به متقاضی خبر دهید."
    ) % {"cause": cause}
