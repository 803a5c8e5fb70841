"""Periodic jobs of the surveys app."""

from __future__ import annotations

import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from desk.lib import jalali
from desk.surveys.rollup import survey_rollup
from desk.surveys.services import invitations_text, red_flags_check, reminders_send


@db_periodic_task(crontab(minute="*/5"))
@lock_task("survey-invitations")
def survey_invitations() -> int:
    """Text the survey link a while after each request ends."""
    return invitations_text()


@db_periodic_task(crontab(minute="20"))
@lock_task("survey-reminders")
def survey_reminders() -> int:
    """One reminder to each invitation still unanswered a few days after it was sent."""
    return reminders_send()


@db_periodic_task(crontab(minute="40", hour="3"))
@lock_task("survey-red-flags")
def survey_red_flags() -> int:
    """This month and last (responses arrive late): agencies past the connections threshold."""
    today = jalali.today_tehran()
    this = jalali.to_jalali(today)
    last = jalali.to_jalali(today - datetime.timedelta(days=this.day))  # its last day
    flags = red_flags_check(year=this.year, month=this.month)
    flags += red_flags_check(year=last.year, month=last.month)
    return len(flags)


@db_periodic_task(crontab(minute="10", hour="2"))
@lock_task("survey-rollup")
def survey_daily_rollup() -> int:
    """Rebuild the results rollup of the days touched since the last run (idempotent)."""
    return survey_rollup().days
