"""Run gunicorn for a benchmark and always stop it again."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench_environment(database_url: str, static_root: str, **extra: str) -> dict:
    """The environment of a benchmark's server and commands: the project with DEBUG off on the
    bench database, Redis for the cache, static files in ``static_root``; ``extra`` adds or
    overrides variables."""
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.support.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
        ALLOWED_HOSTS="127.0.0.1",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        BENCH_STATIC_ROOT=static_root,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **extra,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``with Gunicorn(...) as server:`` serves ``smartregion.site.wsgi`` on 127.0.0.1:server.port."""

    def __init__(
        self, *, cwd: Path, env: dict, log_path: Path, workers: int = 2, wrapper: list[str] = ()
    ):
        """``wrapper`` runs gunicorn under another command (``["/usr/bin/time", "-v", ...]``);
        stopping then signals gunicorn's master itself (from its pid file), not the wrapper."""
        self.cwd = cwd
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.wrapper = list(wrapper)
        self.pid_path = log_path.with_suffix(".pid")
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, ready_path: str, timeout: float = 30.0) -> None:
        cmd = [
            *self.wrapper,
            sys.executable,
            "-m",
            "gunicorn",
            "smartregion.site.wsgi:application",
            "--chdir",
            str(self.cwd),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            "--pid",
            str(self.pid_path),
        ]
        if os.path.isdir("/dev/shm"):
            cmd += ["--worker-tmp-dir", "/dev/shm"]
        self._log = open(self.log_path, "wb")  # closed in stop()
        # Own session: Ctrl-C reaches this script, which then stops gunicorn cleanly.
        self.process = subprocess.Popen(
            cmd,
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", ready_path)
                status = conn.getresponse().status
                conn.close()
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise RuntimeError(f"{ready_path} answered {status}:\n{self.log_tail()}")
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            master = self._master_pid() if self.wrapper else process.pid
            if master:
                os.kill(master, signal.SIGTERM)  # the master stops its workers gracefully
            else:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only gunicorn
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def _master_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
