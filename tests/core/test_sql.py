"""SQL functions live in <app>/sql/*.sql; migrations load the files and write out no function."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, migrations

from smartregion.core import sql

ROOTS = {"smartregion", "members", "blog", "events", "newsletter"}
FUNCTION = re.compile(r"CREATE\s+(OR\s+REPLACE\s+)?FUNCTION", re.IGNORECASE)


def _project_apps():
    return [config for config in apps.get_app_configs() if config.name.split(".")[0] in ROOTS]


def _sql_files() -> list[Path]:
    return sorted(
        path for config in _project_apps() for path in Path(config.path).glob("sql/*.sql")
    )


def _definitions() -> dict[str, str]:
    """Every function and trigger of the database's public schema, as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid)
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.prokind = 'f'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'trigger ' || tgname, pg_get_triggerdef(oid) FROM pg_trigger
             WHERE NOT tgisinternal
            """
        )
        return dict(cursor.fetchall())


def test_read_gives_the_text_of_an_apps_file():
    path = Path(apps.get_app_config("events").path) / "sql" / "search_index.sql"
    assert sql.read("events", "search_index") == path.read_text()
    assert "search_sync_events" in sql.read("events", "search_index")


def test_load_runs_the_file_and_takes_the_way_back():
    operation = sql.load("smartregion.search", "search_functions", "DROP FUNCTION x();")
    assert isinstance(operation, migrations.RunSQL)
    assert operation.sql == sql.read("smartregion.search", "search_functions")
    assert operation.reverse_sql == "DROP FUNCTION x();"
    assert not sql.load("blog", "search_index").reversible


def test_statement_triggers_replace_what_an_earlier_migration_made():
    operation = sql.statement_triggers("blog_post", "f", prefix="p")
    assert operation.sql.count("CREATE OR REPLACE TRIGGER p_") == 4
    assert "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows" in operation.sql
    topics = sql.statement_triggers("blog_post_topics", "g", prefix="t", topics=True)
    assert topics.sql.count("REFERENCING") == 2 and "changed_rows" in topics.sql
    assert "DROP TRIGGER IF EXISTS t_insert ON blog_post_topics;" in topics.reverse_sql


def test_every_function_in_a_file_is_written_create_or_replace():
    files = _sql_files()
    assert {path.parent.parent.name for path in files} >= {"search", "blog", "members", "events"}
    for path in files:
        text = path.read_text()
        assert FUNCTION.search(text), path
        assert len(FUNCTION.findall(text)) == len(re.findall(r"CREATE OR REPLACE FUNCTION", text))


def test_no_migration_writes_out_a_function():
    """A function's body is in one place, its app's SQL file, and not repeated in migrations."""
    offenders = []
    for config in _project_apps():
        for path in Path(config.path).glob("migrations/*.py"):
            if FUNCTION.search(path.read_text()):
                offenders.append(str(path))
    assert offenders == []


@pytest.mark.django_db(transaction=False)
def test_the_database_has_the_definitions_of_the_files():
    """Running every file again changes nothing: what the migrations left is what the files say
    (and each file can be run again at any time)."""
    before = _definitions()
    assert "search_ranked" in " ".join(before)
    with connection.cursor() as cursor:
        for path in _sql_files():
            for statement in connection.ops.prepare_sql_script(path.read_text()):
                cursor.execute(statement)
    assert _definitions() == before


@pytest.mark.django_db
def test_every_function_of_the_database_is_in_a_file():
    in_files = {
        name
        for path in _sql_files()
        for name in re.findall(r"CREATE OR REPLACE FUNCTION (\w+)\(", path.read_text())
    }
    in_database = {key.split("(")[0] for key in _definitions() if not key.startswith("trigger ")}
    assert in_database == in_files
