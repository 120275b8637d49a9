"""Data migrations of the kernel that an existing database runs once."""

from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string

move_task_paths = import_module("smartregion.core.migrations.0006_move_task_paths_to_core")


def _task(path: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )


@pytest.mark.django_db
def test_queued_tasks_of_the_old_kernel_module_point_to_the_new_one():
    queued = _task("smartregion.tasks.deliver_mail")
    other = _task("blog.tasks.purge_unconfirmed_posts")

    move_task_paths.forward(apps, None)

    queued.refresh_from_db()
    other.refresh_from_db()
    assert queued.task_path == "smartregion.core.tasks.deliver_mail"
    assert import_string(queued.task_path).name == "deliver_mail"  # importable again
    assert other.task_path == "blog.tasks.purge_unconfirmed_posts"

    move_task_paths.backward(apps, None)
    queued.refresh_from_db()
    assert queued.task_path == "smartregion.tasks.deliver_mail"
