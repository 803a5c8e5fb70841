from __future__ import annotations

import datetime
import select
import time
import unittest
from typing import Any, cast

import psycopg
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DataError, connection, connections, transaction
from django.db.models import IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Upper
from django.db.transaction import TransactionManagementError
from django.test import TestCase, TransactionTestCase

from desk.accounts.models import User
from desk.core.compiled import CompiledQuery, constant_in, prepares_statements
from desk.test import plan_cache_mode, prepared_plans


def _permissions(app_label: str, word: str) -> QuerySet[Permission]:
    return (
        Permission.objects.select_related("content_type")
        .only("codename", "content_type__app_label", "content_type__model")
        .filter(content_type__app_label=app_label, codename__contains=word)
        .order_by("codename")
    )


PERMISSIONS = CompiledQuery(_permissions, (str, str))
BY_ID = CompiledQuery(lambda pk: ContentType.objects.filter(pk=pk), (int,))


def _names(app_label: str) -> QuerySet[ContentType]:
    found = ContentType.objects.filter(app_label=app_label).order_by("model")
    return found.values_list("pk", "model")  # type: ignore[return-value]


NAMES = CompiledQuery(_names, (str,))
NAMES_GENERIC = CompiledQuery(_names, (str,), generic_plan=True)


def _as_number(text: str) -> QuerySet[ContentType]:
    # A statement that fails on the database for some arguments: the text cast to an integer.
    found = ContentType.objects.annotate(n=Cast(Value(text), IntegerField()))
    return found.values_list("n")[:1]  # type: ignore[return-value]


NUMBER_GENERIC = CompiledQuery(_as_number, (str,), generic_plan=True)
# The generic plan's tests need a plan cache: PostgreSQL with prepared statements.
needs_plan_cache = unittest.skipUnless(
    prepares_statements(connection), "no plan cache: SQLite, or DB_PREPARED_STATEMENTS=0"
)


class CompiledQueryTests(TestCase):
    def test_it_answers_as_the_orm_does_for_every_argument(self) -> None:
        for app_label, word in (("auth", "add"), ("auth", "change_group"), ("contenttypes", "")):
            with self.subTest(app_label=app_label, word=word):
                expected = list(_permissions(app_label, word))
                found = PERMISSIONS.fetch(app_label, word)
                self.assertEqual(found, expected)
                self.assertGreater(len(found), 0)
                # select_related: the content type comes with it, no query more.
                with self.assertNumQueries(0):
                    self.assertEqual(
                        [p.content_type.app_label for p in found], [app_label] * len(found)
                    )

    def test_it_escapes_like_wildcards_in_a_contains_argument(self) -> None:
        self.assertEqual(PERMISSIONS.fetch("auth", "%"), [])
        self.assertEqual(PERMISSIONS.fetch("auth", "_"), list(_permissions("auth", "_")))
        self.assertEqual(PERMISSIONS.fetch("auth", "a_d"), [])

    def test_it_sends_one_query_and_finds_nothing_when_nothing_matches(self) -> None:
        with self.assertNumQueries(1):
            self.assertIsNone(BY_ID.first(10**9))
        content_type = ContentType.objects.first()
        assert content_type is not None
        self.assertEqual(BY_ID.first(content_type.pk), content_type)

    def test_an_argument_that_is_not_a_parameter_of_the_query_is_refused(self) -> None:
        unused = CompiledQuery(lambda word: ContentType.objects.all(), (str,))
        with self.assertRaises(ValueError):
            unused.fetch("auth")

    def test_a_values_query_gives_its_rows_without_building_instances(self) -> None:
        expected = list(ContentType.objects.filter(app_label="auth").values_list("pk", "model"))
        with self.assertNumQueries(1):
            rows = NAMES.rows("auth")
        self.assertEqual([tuple(row) for row in rows], sorted(expected, key=lambda r: r[1]))
        self.assertEqual(NAMES.rows("no-such-app"), [])

    def test_a_values_query_may_select_an_expression(self) -> None:
        upper: CompiledQuery[ContentType] = CompiledQuery(
            lambda app_label: (
                ContentType.objects.filter(app_label=app_label)
                .annotate(shout=Upper("model"))
                .order_by("model")
                .values_list("shout")
            ),
            (str,),
        )
        self.assertEqual(upper.rows("auth")[0], ["GROUP"])

    def test_it_takes_a_date_argument(self) -> None:
        user = User.objects.create_user(username="dated", password="x-Strong-pass-1404")
        User.objects.filter(pk=user.pk).update(
            date_joined=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
        )
        joined_before: CompiledQuery[User] = CompiledQuery(
            lambda day: User.objects.filter(date_joined__date__lt=day).values_list("username"),
            (datetime.date,),
        )
        self.assertEqual(joined_before.rows(datetime.date(2026, 3, 2)), [["dated"]])
        self.assertEqual(joined_before.rows(datetime.date(2026, 3, 1)), [])

    def test_it_takes_a_moment_argument_and_gives_moments_back(self) -> None:
        joined = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
        user = User.objects.create_user(username="timed", password="x-Strong-pass-1404")
        User.objects.filter(pk=user.pk).update(date_joined=joined)
        joined_after: CompiledQuery[User] = CompiledQuery(
            lambda name, moment: User.objects.filter(
                username=name, date_joined__gt=moment
            ).values_list("date_joined"),
            (str, datetime.datetime),
        )
        second = datetime.timedelta(seconds=1)
        self.assertEqual(joined_after.rows("timed", joined - second), [[joined]])
        self.assertEqual(joined_after.rows("timed", joined), [])
        tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
        self.assertEqual(
            joined_after.rows("timed", (joined - second).astimezone(tehran)), [[joined]]
        )


class GenericPlanTests(TestCase):
    """``generic_plan=True``: on PostgreSQL with prepared statements, the statement runs under
    its generic plan (never planned again for its arguments); elsewhere as any other."""

    def test_it_answers_as_without_it_in_one_query(self) -> None:
        for app_label in ("auth", "contenttypes", "no-such-app"):
            expected = NAMES.rows(app_label)
            with self.subTest(app_label=app_label), self.assertNumQueries(1):
                self.assertEqual(NAMES_GENERIC.rows(app_label), expected)

    @needs_plan_cache
    def test_postgresql_runs_it_under_the_generic_plan_and_keeps_its_own_setting(self) -> None:
        for _ in range(8):  # prepared on the second execution (DB_PREPARE_THRESHOLD=2)
            NAMES_GENERIC.rows("auth")
            self.assertEqual(plan_cache_mode(), "auto")
        plans = prepared_plans('SELECT "django_content_type"."id"%')
        self.assertGreaterEqual(sum(generic for generic, _custom in plans), 6)
        self.assertEqual(sum(custom for _generic, custom in plans), 0)

    @needs_plan_cache
    def test_a_statement_that_fails_leaves_the_connection_setting_as_it_was(self) -> None:
        self.assertEqual(NUMBER_GENERIC.rows("7"), [[7]])
        with self.assertRaises(DataError), transaction.atomic():
            NUMBER_GENERIC.rows("seven")
        self.assertEqual(plan_cache_mode(), "auto")
        self.assertEqual(NUMBER_GENERIC.rows("8"), [[8]])


@needs_plan_cache
class GenericPlanAutocommitTests(TransactionTestCase):
    """Outside a transaction (a request's queries): the SET is undone with the failed
    statement's implicit transaction."""

    available_apps = ["django.contrib.contenttypes", "django.contrib.auth"]

    def test_a_statement_that_fails_in_autocommit_leaves_the_setting_as_it_was(self) -> None:
        self.assertTrue(connection.get_autocommit())
        for _ in range(3):
            with self.assertRaises(DataError):
                NUMBER_GENERIC.rows("seven")
            self.assertEqual(plan_cache_mode(), "auto")
            self.assertEqual(NUMBER_GENERIC.rows("9"), [[9]])
            self.assertEqual(plan_cache_mode(), "auto")


NUMBER = CompiledQuery(_as_number, (str,))
on_postgresql = unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's own errors")


class KeptCursorTests(TestCase):
    """Compiled queries run on a cursor kept for the connection, without Django's cursor
    wrapper, when the connection's queries are not logged: with what the wrapper would do."""

    def test_it_answers_as_through_the_wrapper_query_after_query(self) -> None:
        self.assertFalse(connection.queries_logged)
        for app_label in ("auth", "contenttypes", "no-such-app", "auth"):
            with self.subTest(app_label=app_label):
                found = NAMES.rows(app_label)
                with self.assertNumQueries(1):  # logged: through Django's cursor wrapper
                    self.assertEqual(NAMES.rows(app_label), found)
                self.assertEqual(
                    [tuple(row) for row in found],
                    list(_names(app_label)),
                )

    def test_an_execute_wrapper_sees_and_may_refuse_each_compiled_query(self) -> None:
        seen: list[str] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            seen.append(sql)
            self.assertIs(context["connection"], connections["default"])
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            self.assertEqual(NAMES.rows("auth"), NAMES.rows("auth"))
        self.assertEqual(len(seen), 2)
        self.assertIn("django_content_type", seen[0])

        def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            raise PermissionError("no queries here")

        with connection.execute_wrapper(refuse), self.assertRaises(PermissionError):
            BY_ID.first(1)

    def test_a_query_in_a_transaction_marked_for_rollback_is_refused(self) -> None:
        with transaction.atomic():
            transaction.set_rollback(True)
            with self.assertRaises(TransactionManagementError):
                NAMES.rows("auth")
        self.assertTrue(NAMES.rows("auth"))

    @on_postgresql
    def test_a_database_error_reaches_the_caller_as_djangos_and_the_cursor_goes_on(self) -> None:
        with self.assertRaises(DataError), transaction.atomic():
            NUMBER.rows("seven")
        self.assertEqual(NUMBER.rows("12"), [[12]])


class KeptCursorConnectionTests(TransactionTestCase):
    """The kept cursor follows its connection: made again when the connection is."""

    available_apps = ["django.contrib.contenttypes", "django.contrib.auth"]

    def test_it_answers_after_the_connection_is_closed_and_opened_again(self) -> None:
        expected = NAMES.rows("auth")
        connection.close()
        self.assertEqual(NAMES.rows("auth"), expected)
        connection.close()
        self.assertEqual(NAMES.rows("auth"), expected)

    @on_postgresql
    def test_a_connection_the_server_ended_is_replaced_at_the_next_requests_first_query(
        self,
    ) -> None:
        wrapper = cast(Any, connections["default"])  # Django's attributes, not in its stubs
        if not wrapper.health_check_enabled:
            self.skipTest("CONN_HEALTH_CHECKS is off")
        expected = NAMES.rows("auth")
        pid = connection.connection.info.backend_pid
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 5  # the server's FATAL message on its way
        while not select.select([connection.connection.fileno()], [], [], 0.05)[0]:
            self.assertLess(time.monotonic(), deadline)
        wrapper.health_check_done = False  # a new request (django.db.close_old_connections)
        self.assertEqual(NAMES.rows("auth"), expected)
        self.assertNotEqual(connection.connection.info.backend_pid, pid)


class ConstantInTests(TestCase):
    def test_it_writes_the_values_into_the_sql_and_matches_as_in_does(self) -> None:
        rows = ContentType.objects.filter(constant_in("app_label", ["auth", "contenttypes"]))
        sql, params = rows.query.sql_with_params()
        self.assertIn("IN ('auth', 'contenttypes')", sql)
        self.assertEqual(params, ())
        expected = ContentType.objects.filter(app_label__in=["auth", "contenttypes"])
        self.assertEqual(set(rows), set(expected))
        self.assertTrue(expected.exists())

    def test_it_refuses_a_value_that_is_not_a_plain_identifier(self) -> None:
        for value in ("x'; DROP TABLE auth_user; --", "a b", "", "ü"):
            with self.subTest(value=value), self.assertRaises(ValueError):
                constant_in("app_label", [value])
