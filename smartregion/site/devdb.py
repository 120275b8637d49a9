"""Project-local PostgreSQL cluster for development and tests.

Standard library only, so that it runs before the virtualenv exists:

    python -m smartregion.site.devdb start     # init (first time) and start, print DATABASE_URL
    python -m smartregion.site.devdb stop
    python -m smartregion.site.devdb exec -- CMD [ARGS...]

``exec`` is what ``make run`` and ``make test`` use: when ``DATABASE_URL`` is set it just runs the
command; otherwise it starts the cluster under ``var/pg`` (Unix socket only, no TCP port), runs the
command with ``DATABASE_URL`` pointing at it, and stops the cluster again if it started it, also on
Ctrl-C. As root the cluster runs as the unprivileged ``postgres`` user, since ``initdb`` refuses
root.

``DEVDB_DIR`` puts the cluster in another folder (default ``var/pg``): ``make prod`` and the
deployed-stack tests run their own cluster there, which they can stop without touching the one
that ``make run`` and ``make test`` use.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_PG_DIR = BASE_DIR / "var" / "pg"
PG_DIR = Path(os.environ.get("DEVDB_DIR") or DEFAULT_PG_DIR).resolve()
DATA_DIR = PG_DIR / "data"
LOG_FILE = PG_DIR / "postgresql.log"
DB_NAME = os.environ.get("DEVDB_NAME", "smartregion")
MIN_MAJOR = 15


def fail(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr)
    raise SystemExit(1)


def find_bindir() -> Path:
    """Locate initdb/pg_ctl: $PG_BIN, PATH, then Debian's versioned folders (newest first)."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    versioned = glob.glob("/usr/lib/postgresql/*/bin") + glob.glob("/usr/local/pgsql*/bin")
    versioned += glob.glob("/opt/homebrew/opt/postgresql@*/bin")
    candidates += sorted(
        (Path(p) for p in versioned),
        key=lambda p: [int(x) for x in p.parent.name.split("@")[-1].split(".") if x.isdigit()],
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    fail(
        "PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL "
        f"{MIN_MAJOR} or newer (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL."
    )
    raise AssertionError  # unreachable


def socket_dir() -> Path:
    """The socket folder; a short one in /tmp when the project path is too long for sun_path."""
    preferred = PG_DIR / "run"
    if len(str(preferred)) + len("/.s.PGSQL.5432") < 100:
        return preferred
    # The default cluster keeps the name it always had; another cluster gets its own folder.
    seed = BASE_DIR if PG_DIR == DEFAULT_PG_DIR else PG_DIR
    digest = hashlib.sha1(str(seed).encode()).hexdigest()[:10]
    return Path("/tmp") / f"smartregion-pg-{digest}"


def runs_as_root() -> bool:
    return os.geteuid() == 0


def as_cluster_user(cmd: list[str]) -> list[str]:
    if runs_as_root():
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def give_to_cluster_user(path: Path) -> None:
    if runs_as_root():
        user = pwd.getpwnam("postgres")
        for root, dirs, files in os.walk(path):
            os.chown(root, user.pw_uid, user.pw_gid)
            for name in dirs + files:
                os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid)


def database_url() -> str:
    return f"postgresql://postgres@{quote(str(socket_dir()), safe='')}/{DB_NAME}"


def is_running(bindir: Path) -> bool:
    if not (DATA_DIR / "PG_VERSION").exists():
        return False
    result = subprocess.run(
        as_cluster_user([str(bindir / "pg_ctl"), "status", "-D", str(DATA_DIR)]),
        capture_output=True,
    )
    return result.returncode == 0


def check_version(bindir: Path) -> None:
    out = subprocess.run([str(bindir / "initdb"), "--version"], capture_output=True, text=True)
    major = int("".join(ch for ch in out.stdout.split()[-1].split(".")[0] if ch.isdigit()))
    if major < MIN_MAJOR:
        fail(f"PostgreSQL {major} found in {bindir}; version {MIN_MAJOR} or newer is needed.")


def init_cluster(bindir: Path) -> None:
    check_version(bindir)
    if runs_as_root() and not shutil.which("runuser"):
        fail("running as root needs 'runuser' to start PostgreSQL as the postgres user")
    if runs_as_root():
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            fail("running as root needs a 'postgres' system user to own the cluster")
    PG_DIR.mkdir(parents=True, exist_ok=True)
    give_to_cluster_user(PG_DIR)
    subprocess.run(
        as_cluster_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(DATA_DIR),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    conf = DATA_DIR / "postgresql.conf"
    extra = (
        "\n# smartregion development cluster\n"
        "listen_addresses = ''\n"
        f"unix_socket_directories = '{socket_dir()}'\n"
        "synchronous_commit = off\n"
        "max_connections = 100\n"
    )
    subprocess.run(
        as_cluster_user(["sh", "-c", f"cat >> '{conf}'"]), input=extra.encode(), check=True
    )


def start() -> bool:
    """Start the cluster; return True when this call started it."""
    bindir = find_bindir()
    if not (DATA_DIR / "PG_VERSION").exists():
        init_cluster(bindir)
    if is_running(bindir):
        ensure_database(bindir)
        return False
    sock = socket_dir()
    sock.mkdir(parents=True, exist_ok=True)
    give_to_cluster_user(sock)
    give_to_cluster_user(PG_DIR)
    result = subprocess.run(
        as_cluster_user(
            [str(bindir / "pg_ctl"), "start", "-w", "-D", str(DATA_DIR), "-l", str(LOG_FILE)]
        ),
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal must not reach the server directly
    )
    if result.returncode != 0:
        tail = LOG_FILE.read_text(errors="replace")[-2000:] if LOG_FILE.exists() else ""
        fail(f"PostgreSQL did not start; see {LOG_FILE}\n{tail}")
    ensure_database(bindir)
    return True


def ensure_database(bindir: Path) -> None:
    psql = [str(bindir / "psql"), "-h", str(socket_dir()), "-U", "postgres", "-d", "postgres"]
    exists = subprocess.run(
        [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
        capture_output=True,
        text=True,
        check=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run([*psql, "-qc", f'CREATE DATABASE "{DB_NAME}"'], check=True)


def stop() -> None:
    bindir = find_bindir()
    if is_running(bindir):
        subprocess.run(
            as_cluster_user([str(bindir / "pg_ctl"), "stop", "-D", str(DATA_DIR), "-m", "fast"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )


def run_with_database(cmd: list[str]) -> int:
    env = dict(os.environ)
    started = False
    if not env.get("DATABASE_URL"):
        started = start()
        env["DATABASE_URL"] = database_url()
    # The child gets Ctrl-C from the terminal itself; we only wait for it and clean up. A Python
    # handler (unlike SIG_IGN) is not inherited across exec, so the child keeps default Ctrl-C.
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        return subprocess.call(cmd, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)
        if started:
            stop()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "start":
        start()
        print(database_url())
        return 0
    if command == "stop":
        stop()
        return 0
    if command == "url":
        print(database_url())
        return 0
    if command == "exec":
        if rest[:1] == ["--"]:
            rest = rest[1:]
        if not rest:
            fail("exec needs a command")
        return run_with_database(rest)
    fail(f"unknown command {command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
