"""Database functions kept in ``.sql`` files, and the migration operations that install them.

An app keeps the current definition of its SQL functions in ``<app>/sql/<name>.sql``, every one
written ``CREATE OR REPLACE FUNCTION``, so that the file can be run again at any time and git
shows each change of a function as a diff of one file. Migrations do not copy function bodies:
they run the file with ``load()``.

- A fresh database runs the file when it reaches the first migration that loads it, as the file
  is *now*; a later migration loading it again changes nothing there.
- An existing database gets a changed definition from the migration added with the change:
  ``load()`` of the same file again. (A function whose arguments or result type change must be
  dropped first; ``CREATE OR REPLACE`` cannot change them.)

So a definition may use only tables and columns that exist when the first migration loading its
file runs; on a fresh database a SQL-language function that refers to a later column fails
loudly (the tests create a fresh database), and then belongs in a file of its own, loaded after
the migration that adds the column.
"""

from __future__ import annotations

from importlib import resources

from django.db import migrations


def read(package: str, name: str) -> str:
    """The text of ``<package>/sql/<name>.sql`` (``package`` as imported: "blog",
    "smartregion.search")."""
    return (resources.files(package) / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def load(package: str, name: str, reverse_sql: str | None = None) -> migrations.RunSQL:
    """A migration operation that runs the SQL file (see the module docstring); ``reverse_sql``
    undoes it when migrating backwards (without, the operation cannot be reversed)."""
    return migrations.RunSQL(read(package, name), reverse_sql)


def statement_triggers(
    table: str, function: str, *, prefix: str, topics: bool = False
) -> migrations.RunSQL:
    """AFTER … FOR EACH STATEMENT triggers with transition tables: one call per bulk write.

    ``function`` sees ``new_rows``/``old_rows`` (``changed_rows`` for a topics table, which
    only gets inserts and deletes). ``CREATE OR REPLACE``: a migration may install triggers that
    an earlier one made; replacing one by the same definition changes nothing.
    """
    if topics:
        events = [
            ("insert", "INSERT", "REFERENCING NEW TABLE AS changed_rows"),
            ("delete", "DELETE", "REFERENCING OLD TABLE AS changed_rows"),
        ]
    else:
        events = [
            ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
            ("update", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
            ("truncate", "TRUNCATE", ""),
        ]
    forward = "".join(
        f"CREATE OR REPLACE TRIGGER {prefix}_{name} AFTER {event} ON {table} {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n"
        for name, event, transition in events
    )
    reverse = "".join(
        f"DROP TRIGGER IF EXISTS {prefix}_{name} ON {table};\n" for name, _, _ in events
    )
    return migrations.RunSQL(forward, reverse)
