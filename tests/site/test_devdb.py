import os
import subprocess
import sys
from pathlib import Path

import pytest

from smartregion.site import devdb

BASE = Path(__file__).resolve().parents[2]


def test_missing_postgresql_binaries_give_one_clear_line(monkeypatch, capsys):
    monkeypatch.delenv("PG_BIN", raising=False)
    monkeypatch.setattr(devdb.shutil, "which", lambda name: None)
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [])
    with pytest.raises(SystemExit) as exit_info:
        devdb.find_bindir()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "PostgreSQL server binaries" in err and "apt-get install postgresql" in err


def test_database_url_is_a_unix_socket_under_var():
    url = devdb.database_url()
    assert url.startswith("postgresql://postgres@%2F")
    assert "5432" not in url  # no TCP port


def test_exec_passes_database_url_and_leaves_ctrl_c_to_the_child():
    code = (
        "import os, signal;"
        "print(os.environ['DATABASE_URL']);"
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    )
    env = {**os.environ, "DATABASE_URL": "postgresql://example/db"}
    result = subprocess.run(
        [sys.executable, "-m", "smartregion.site.devdb", "exec", "--", sys.executable, "-c", code],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["postgresql://example/db", "True"]


def test_exec_returns_the_child_exit_code():
    env = {**os.environ, "DATABASE_URL": "postgresql://example/db"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "smartregion.site.devdb",
            "exec",
            "--",
            sys.executable,
            "-c",
            "raise SystemExit(7)",
        ],
        cwd=BASE,
        env=env,
    )
    assert result.returncode == 7
