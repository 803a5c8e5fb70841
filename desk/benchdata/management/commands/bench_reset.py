"""Take a reused benchmark database back to its generated state: delete the requests that
earlier runs filed through the site (the submission scenario), with their files' rows, events
and documents, and the sessions they left in the database. Generated requests have the
primary keys 1…N (desk/benchdata/writer.py), so everything above N was filed by a run.

Then make sure the completed requests have their result files (desk.benchdata.results): the
shared PDF in the storage (bench/run.py empties it between runs) and a row for each completed
request that has none, which also brings a database generated before result files were
generated up to date."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandParser

from desk.benchdata import results
from desk.benchdata.management.commands.bench_data import counts_for
from desk.submissions.models import StagedFile, Submission


class Command(BaseCommand):
    help = "Delete the requests that benchmark runs filed on top of the generated data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="as given to bench_data")

    def handle(self, *args: Any, **options: Any) -> None:
        generated = counts_for(options["scale"])["requests"]
        deleted, _by_model = Submission.objects.filter(pk__gt=generated).delete()
        # The sessions earlier runs left in the database (SQLite's: every completed lookup
        # starts one); bench_fixtures signs its citizens and expert in again after this.
        Session.objects.all().delete()
        StagedFile.objects.all().delete()  # uploads of applications a run left unsent
        results.ensure_result_file()
        added = results.add_missing_results(up_to=generated)
        self.stdout.write(
            f"bench_reset: {deleted} rows of earlier runs deleted, {added} result files added"
        )
