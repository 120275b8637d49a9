"""Trigger helpers for the migrations that keep the search index (search 0001, events 0004)."""

from django.db import migrations


def statement_triggers(table: str, function: str, *, prefix: str, topics: bool = False):
    """AFTER … FOR EACH STATEMENT triggers with transition tables: one call per bulk write.

    ``function`` sees ``new_rows``/``old_rows`` (``changed_rows`` for a topics table, which
    only gets inserts and deletes).
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
        f"CREATE TRIGGER {prefix}_{name} AFTER {event} ON {table} {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n"
        for name, event, transition in events
    )
    reverse = "".join(
        f"DROP TRIGGER IF EXISTS {prefix}_{name} ON {table};\n" for name, _, _ in events
    )
    return migrations.RunSQL(forward, reverse)
