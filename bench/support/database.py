"""A benchmark's own database: never the development database."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent


def reexec_with_devdb(script: Path, db_name: str) -> int:
    """No DATABASE_URL: run ``script`` again through smartregion.site.devdb with ``db_name``."""
    env = dict(os.environ, DEVDB_NAME=db_name)
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "smartregion.site.devdb", "exec", "--"]
    cmd += [sys.executable, str(script), *sys.argv[1:]]
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the child handles Ctrl-C
    try:
        return subprocess.call(cmd, cwd=ROOT, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)


def use_bench_database(url: str, db_name: str) -> str:
    """The URL of ``db_name`` on the same server as ``url``; created when missing."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.path.lstrip("/") == db_name:
        return url
    bench_url = urlunsplit(parts._replace(path="/" + db_name))
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    return bench_url
