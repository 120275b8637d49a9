"""The layering in pyproject.toml covers every app of the project.

`make lint` runs import-linter on these contracts; this test keeps a new app from being left
out of them (an app in no layer would be free to import anything).
"""

import tomllib
from pathlib import Path

from django.apps import apps

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


CONFIG = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]


def _contract(kind: str) -> dict:
    return next(contract for contract in CONFIG["contracts"] if contract["type"] == kind)


def _project_apps() -> list[str]:
    roots = CONFIG["root_packages"]
    return [config.name for config in apps.get_app_configs() if config.name.split(".")[0] in roots]


def test_every_project_app_has_a_layer():
    layers = _contract("layers")["layers"]
    layered = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    assert set(_project_apps()) - layered == set()


def test_the_kernel_is_forbidden_every_other_project_app():
    forbidden = _contract("forbidden")
    assert forbidden["source_modules"] == ["smartregion.core"]
    others = set(_project_apps()) - {"smartregion.core"}
    assert others - set(forbidden["forbidden_modules"]) == set()


def test_the_site_is_the_top_layer_and_the_kernel_the_bottom():
    layers = _contract("layers")["layers"]
    assert layers[0] == "smartregion.site"
    assert layers[-1] == "smartregion.core"
