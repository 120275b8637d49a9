"""Every English catalogue (``*/locale/en``) is complete and up to date with the code.

Complete: no message without a translation, none marked fuzzy. Up to date: ``makemessages``
(as ``make messages`` runs it) on a copy of the sources finds no message the catalogue lacks.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What ``make messages`` leaves out, and what is no source at all.
SKIP = {".venv", "var", "tests", "bench", "docs", "deploy", "node_modules", ".git", "static"}
CATALOGUES = sorted(
    path.relative_to(ROOT)
    for path in ROOT.glob("**/locale/en/LC_MESSAGES/django.po")
    if not SKIP & set(path.relative_to(ROOT).parts)
)


def _entries(text: str) -> list[dict]:
    """The entries of a .po file: {"flags": [...], "msgctxt"/"msgid"/"msgid_plural"/"msgstr[n]"}.
    Obsolete entries (``#~``) are left out."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, field = {"flags": []}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[field] += ast.literal_eval(line)
            else:
                field, _space, value = line.partition(" ")
                entry[field] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _messages(path: Path) -> set[tuple]:
    return {
        (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
        for entry in _entries(path.read_text(encoding="utf-8"))
        if entry["msgid"]  # not the header
    }


def test_there_are_catalogues():
    assert Path("locale/en/LC_MESSAGES/django.po") in CATALOGUES
    assert len(CATALOGUES) >= 5


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_catalogue_is_complete(catalogue):
    untranslated, fuzzy = [], []
    for entry in _entries((ROOT / catalogue).read_text(encoding="utf-8")):
        if not entry["msgid"]:
            continue  # the header
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        if not translations or not all(translations):
            untranslated.append(entry["msgid"])
        if "fuzzy" in entry["flags"]:
            fuzzy.append(entry["msgid"])
    assert untranslated == [], f"{len(untranslated)} without English in {catalogue}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {catalogue}"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A copy of the sources and catalogues after ``makemessages --locale en``."""
    copy = tmp_path_factory.mktemp("sources")
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if SKIP & set(relative.parts) or not path.is_file():
            continue
        # .sql: modules read their SQL files when imported (the apps import them when ready).
        if path.suffix in {".py", ".html", ".txt", ".sql"} or relative in CATALOGUES:
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy / relative)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartregion.site.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--add-location", "file"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_catalogue_has_every_message_of_the_code(catalogue, extracted):
    missing = _messages(extracted / catalogue) - _messages(ROOT / catalogue)
    assert not missing, (
        f"run make messages: {len(missing)} new in {catalogue}: {sorted(missing)[:5]}"
    )
