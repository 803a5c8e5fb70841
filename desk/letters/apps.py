from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "desk.letters"
    label = "letters"
    verbose_name = _("مکاتبات (دبیرخانه)")

    def ready(self) -> None:
        from desk.core.verification import source_register
        from desk.letters.selectors import reply_verified

        # The public verification page (delivery's) also verifies the replies' PDFs.
        source_register(reply_verified)

        # The audit log names a letter's notes (letter.<kind>) by their words.
        from desk.audit.labels import action_labels_register
        from desk.letters.models import NoteKind

        action_labels_register({f"letter.{kind.value}": f"نامه: {kind.label}" for kind in NoteKind})
