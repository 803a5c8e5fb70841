"""Demo letters of the demo citizen: one answered (its reply PDF issued), one waiting, one
handed in on paper at the desk (run by load_demo; safe to rerun)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand

from desk.accounts.models import User
from desk.agencies.models import Agency
from desk.demo import data as demo
from desk.letters import services
from desk.letters.models import Letter, Register

LETTERS: list[dict[str, Any]] = [
    {
        "agency": "tehran-municipality-6",
        "subject": "اصلاح نشانی در پروانه کسب",
        "body": "نشانی مغازه در پروانه کسب من «خیابان فاطمی، پلاک ۱۲» ثبت شده است؛ "
        "نشانی درست «خیابان فاطمی، پلاک ۲۱» است. خواهشمندم اصلاح شود.",
        "reply": "نشانی پروانه کسب شما اصلاح شد. پروانه اصلاح‌شده را از میز خدمت دریافت کنید.",
    },
    {
        "agency": "tehran-municipality-6",
        "subject": "پیشنهاد نصب سرعت‌گیر در کوچه بهار",
        "body": "کودکان زیادی در کوچه بهار رفت‌وآمد می‌کنند. لطفاً سرعت‌گیر نصب کنید.",
        "reply": "",
    },
    {
        "agency": "tehran-gas",
        "subject": "درخواست بازدید از کنتور",
        "body": "(نامه کاغذی، ثبت‌شده در میز خدمت) کنتور گاز منزل صدای غیرعادی دارد.",
        "reply": "",
        "paper": True,
    },
]


class Command(BaseCommand):
    help = "Load demo letters for the demo citizen (safe to rerun)."

    def handle(self, *args: Any, **options: Any) -> None:
        citizen = User.objects.get(national_code=demo.CITIZEN["national_code"])
        if Letter.objects.filter(citizen=citizen).exists():
            return
        for spec in LETTERS:
            agency = Agency.objects.get(slug=spec["agency"])
            Register.objects.get_or_create(agency=agency)
            clerk = User.objects.filter(staff__agency=agency, staff__role="clerk").first()
            expert = User.objects.filter(staff__agency=agency, staff__role="expert").first()
            if clerk is None or expert is None:
                continue
            letter = services.letter_create(
                agency=agency,
                citizen=citizen,
                registered_by=clerk if spec.get("paper") else citizen,
                subject=spec["subject"],
                body=spec["body"],
                idempotency_key=uuid.uuid4(),
            )
            if spec["reply"]:
                services.letter_reply(letter_id=letter.pk, actor=expert, body=spec["reply"])
