"""The editorial group "Redaktion", shared by all apps' data migrations."""

EDITORS_GROUP = "Redaktion"


def grant_to_editors(apps, app_label: str, codenames: list[str]) -> None:
    """Give the Redaktion group these permissions of ``app_label`` (for use in RunPython).

    Permissions are normally created after all migrations ran; create them now so that a data
    migration can hand them out on a fresh database.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True  # migration app configs are stubs without models_module
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    missing = set(codenames) - set(perms.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)


def model_codenames(*models: str, actions=("add", "change", "delete", "view")) -> list[str]:
    return [f"{action}_{model}" for model in models for action in actions]
