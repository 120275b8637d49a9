"""The kernel's tasks moved from ``smartregion.tasks`` to ``smartregion.core.tasks``.

Task rows store the dotted path of their function; rows written before the move (queued mail,
finished results that housekeeping or an erasure still looks up) point them to the new module.
"""

from django.db import migrations

OLD, NEW = "smartregion.tasks.", "smartregion.core.tasks."


def forward(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backward(apps, schema_editor):
    _rename(apps, NEW, OLD)


def _rename(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for result in DBTaskResult.objects.filter(task_path__startswith=old).only("task_path"):
        result.task_path = new + result.task_path.removeprefix(old)
        result.save(update_fields=["task_path"])


class Migration(migrations.Migration):
    dependencies = [
        ("smartregion", "0005_content_version"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forward, backward)]
