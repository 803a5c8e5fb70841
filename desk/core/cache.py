"""A generation-stamped cache for configuration read on every request and rarely written:
working calendars, message templates, service cards, workflows.

Each kind of configuration has one *generation* key. A cached value is stored together with
the generation it was built at; a reader fetches both keys in one round trip and rebuilds when
they differ. A writer bumps the generation, which makes every value of that kind stale at once
without knowing their keys (one calendar per agency and day, one card per slug…).

Readers take the generation *before* reading the rows, so a value built while a write commits
is stamped with the old generation and thrown away. This holds for reads in autocommit or
READ COMMITTED (PostgreSQL's default) and under SQLite's ``BEGIN IMMEDIATE``, which keeps
writers out of an open transaction.

Writes that go around the services and admin classes (a Django shell, a data migration, a
management command writing rows itself) bump nothing: values expire after ``timeout`` anyway,
and ``generation_bump`` is the one call such code must make.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from desk.core.outage import CACHE_ERRORS

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Every generation key, listed here so that `manage.py forget_cached_config` bumps them all
# without importing the apps above core; each app imports its own key from here.
# Bumped by every write of an agency (and of its offices: whether a service books appointments,
# appointments/admin.py): what others cache together with an agency (its name, SMS
# line, whether it is active) is stamped with this generation.
AGENCIES_GENERATION = "agencies:generation"
WORKFLOWS_GENERATION = "workflow:generation"
CALENDARS_GENERATION = "calendars:generation"
TEMPLATES_GENERATION = "notifications:templates:generation"
# The oversight dashboards' figures (desk/oversight/kpis.py): they change only when an
# aggregation run rewrites the monthly rows, which bumps this at its end.
OVERSIGHT_GENERATION = "oversight:figures:generation"
GENERATIONS = (
    AGENCIES_GENERATION,  # agencies, and the service cards cached with them (catalog)
    WORKFLOWS_GENERATION,
    CALENDARS_GENERATION,
    TEMPLATES_GENERATION,
    OVERSIGHT_GENERATION,
)

# Also the bound on how long a write that bumped nothing (see above) goes unseen.
CACHE_SECONDS = 60 * 60
# A lost generation key is seeded afresh, which only makes values stale; the limit keeps the
# keys of test runs (one cache namespace per test) from piling up in a shared Redis.
GENERATION_TIMEOUT = 30 * 24 * 60 * 60


def _seed(generation: str) -> int:
    # A fresh key starts from the clock, not 0: a value stamped before the key was evicted or
    # expired must not match it again.
    cache.add(generation, time.time_ns(), timeout=GENERATION_TIMEOUT)
    current = cache.get(generation)
    return int(current) if current is not None else time.time_ns()


# This process's own copies of the values its callers only read (``generation_cached`` with
# ``shared=True``): the cache's key -> (the generation it was built at, the value). A hit still
# asks the shared cache for the generation (so a write anywhere is seen at once), but not for
# the value, which is not unpickled again: a service card with its form is a tree of model
# instances, whose unpickling cost more than the rest of reading it.
_process_copies: dict[str, tuple[Any, Any]] = {}
PROCESS_COPIES = 512  # values kept at most; the oldest kept goes first


def _keep(key: str, stamp: Any, value: Any) -> None:
    if key not in _process_copies and len(_process_copies) >= PROCESS_COPIES:
        _process_copies.pop(next(iter(_process_copies)), None)
    _process_copies[key] = (stamp, value)


def generation_cached(
    *,
    key: str,
    generation: str,
    build: Callable[[], T],
    timeout: int = CACHE_SECONDS,
    shared: bool = False,
) -> T:
    """The value under ``key`` if it was built at the current ``generation``; else ``build()``,
    stored for ``timeout`` seconds unless it is ``None``.

    Every hit is a fresh unpickled copy, so callers may change what they get (model instances
    included) without touching what the next request reads; with ``shared``, the process's
    own copy, the same object for every caller while the generation holds: for callers that
    only read it.
    """
    own = cache.make_key(key) if shared else ""
    kept = _process_copies.get(own) if shared else None
    if kept is not None:
        try:
            current = cache.get(generation)
        except CACHE_ERRORS:
            current = None  # unknown: not trusted, read below as without a copy
        if current is not None and kept[0] == current:
            value: T = kept[1]
            return value
    try:
        found = cache.get_many([generation, key])
    except CACHE_ERRORS:
        # Reads fail open: Redis down costs the queries it saves, not the page. (Writes fail
        # closed: ``generation_bump`` raises inside the writing transaction, which rolls back,
        # so no change can be hidden behind a stale value once Redis is back.)
        logger.warning("configuration cache unavailable; %s read from the database", key)
        return build()
    current = found.get(generation)
    stored = found.get(key)
    if current is not None and stored is not None and stored[0] == current:
        value = stored[1]
        if shared:
            _keep(own, current, value)
        return value
    try:
        if current is None:  # seeded before the rows are read (see the module docstring)
            current = _seed(generation)
    except CACHE_ERRORS:
        return build()
    value = build()
    if value is not None:  # a missing row costs a query each time, not a key per guessed name
        try:
            cache.set(key, (current, value), timeout=timeout)
        except CACHE_ERRORS:
            logger.warning("configuration cache unavailable; %s not stored", key)
        else:
            if shared:
                _keep(own, current, value)
    return value


def _bump(generation: str) -> None:
    try:
        cache.incr(generation)
    except ValueError:  # missing: any fresh seed differs from every stamp given out before
        _seed(generation)


def generation_bump(generation: str) -> None:
    """Make every value cached under ``generation`` stale.

    At once, so that reads later in the writing transaction see its rows, and again when it
    commits: another request may have rebuilt a value from the rows as they were before.
    A value rebuilt inside the writing transaction itself outlives a rollback of it (until
    ``timeout``), so code that writes configuration reads it back from the database, not
    through this cache (see ``calendars_for_agencies``).
    """
    _bump(generation)
    transaction.on_commit(lambda: _bump(generation))


class GenerationBumpingAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes make a kind of cached configuration stale: subclasses
    name its ``generation``. ``save_related`` runs after every save, inlines included, from the
    change form and from the list's editable columns alike."""

    generation: str

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        generation_bump(self.generation)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        generation_bump(self.generation)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        generation_bump(self.generation)
