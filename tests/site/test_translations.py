"""Every English catalogue of the project is complete and up to date with the code.

Complete: each msgid has an English msgstr (every plural form), none marked fuzzy. Up to date:
extracting the msgids afresh (``makemessages``, as ``make messages`` runs it, on a copy of the
sources) finds none that a catalogue lacks.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
# What `make messages` leaves out, and what a copy of the sources does not need.
IGNORED = [".venv", "var", "tests", "bench", "docs", "deploy", ".git", "node_modules", "media"]
PO = "locale/en/LC_MESSAGES/django.po"
_SOURCES = [p for p in ROOT.iterdir() if p.is_dir() and p.name not in IGNORED]
CATALOGUES = sorted(
    po.relative_to(ROOT) for po in [ROOT / PO, *(po for d in _SOURCES for po in d.glob(f"**/{PO}"))]
)
_ENTRY = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def entries(path: Path) -> list[dict]:
    """The entries of a .po file: their fields and flags (the header is left out)."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key, flags = {}, None, set()
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#~"):
                break  # an obsolete entry: not used
            elif match := _ENTRY.match(line):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if entry.get("msgid"):
            entry["flags"] = flags
            found.append(entry)
    return found


def keys(path: Path) -> set[tuple]:
    return {(entry.get("msgctxt"), entry["msgid"]) for entry in entries(path)}


def test_there_is_a_catalogue_per_app_and_one_for_the_site():
    assert {Path(PO), Path("blog", PO), Path("events", PO), Path("members", PO)} <= set(CATALOGUES)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_catalogue_is_complete(catalogue):
    untranslated = [
        entry["msgid"]
        for entry in entries(ROOT / catalogue)
        if "fuzzy" in entry["flags"]
        or not all(value for name, value in entry.items() if name.startswith("msgstr"))
        or not any(name.startswith("msgstr") for name in entry)
    ]
    assert untranslated == []


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """A copy of the sources with their catalogues as ``make messages`` rewrites them (run in
    this process: its Django is set up already, which takes a new process seconds)."""
    copy = tmp_path_factory.mktemp("sources") / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED, "*.mo", "__pycache__"))
    cwd = Path.cwd()
    try:
        os.chdir(copy)  # makemessages reads the directory it runs in
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages",
                locale=["en"],
                ignore_patterns=[f"{pattern}/*" for pattern in IGNORED],
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return copy


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=str)
def test_catalogue_has_every_msgid_of_the_code(catalogue, extracted):
    missing = keys(extracted / catalogue) - keys(ROOT / catalogue)
    assert missing == set(), "run `make messages` and translate the new msgids"
