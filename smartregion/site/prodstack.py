"""The portal as deployed, on one machine: ``make prod`` (``python -m smartregion.site.prodstack``).

It runs what the deployment files in ``deploy/`` describe, with DEBUG off:

* the project's own PostgreSQL (``smartregion/site/devdb.py``) in its own cluster folder, so it can
  be stopped without touching the development/test cluster in ``var/pg``;
* ``migrate``, ``collectstatic`` and ``compilemessages`` as an upgrade does;
* a self-signed certificate (openssl) for localhost and 127.0.0.1;
* Debian's nginx with ``deploy/nginx/smartregion.conf``, rendered: only the host name, ports,
  certificate paths, ``MEDIA_ROOT``, the micro-cache's folder (``root/nginx/cache``) and
  gunicorn's address are replaced (``render_nginx_site``);
* gunicorn with ``deploy/gunicorn.conf.py``, one task worker with the systemd unit's command line
  and ``manage.py housekeeping`` every few minutes (the timer's job);
* or, for several machines (``app_instances``, ``task_workers``): that many gunicorn instances
  behind the one nginx as load balancer and that many workers, each with folders of its own as if
  on its own machine, and ``/media/`` proxied to an S3 bucket (``media_proxy``) instead of a
  folder;
* when no SMTP server is configured (``EMAIL_HOST`` unset), a local aiosmtpd sink on
  127.0.0.1:1025 that appends every mail to ``var/prod/mail.log``.

Processes that die are started again, as systemd's ``Restart=`` does. Ctrl-C stops everything.
The deployed-stack tests (tests/deploy/) start the same ``Stack`` with other ports and folders.

    python -m smartregion.site.prodstack            # run until Ctrl-C (make prod)
    python -m smartregion.site.prodstack manage ARGS # manage.py in the running stack's settings

Standard library and the project only.
"""

from __future__ import annotations

import grp
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = BASE_DIR / "deploy" / "nginx" / "smartregion.conf"
NGINX_MEDIA_S3 = BASE_DIR / "deploy" / "nginx" / "media-s3.conf"
GUNICORN_CONF = BASE_DIR / "deploy" / "gunicorn.conf.py"
# The project's translations compiled in place (.mo beside each .po), as docs/operations.md's
# upgrade does; the virtualenv and var/ hold no catalogue of the project's.
COMPILEMESSAGES = ["compilemessages", "--ignore=.venv", "--ignore=var"]
WORKER_COMMAND = ["db_worker", "--queue-name", "mail,default,bulk", "--interval", "1"]

# Variables of the caller's environment that must not leak into the stack (pytest sets the first).
NOT_INHERITED = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEVDB_DIR", "DEVDB_NAME")


def say(message: str) -> None:
    print(f"prodstack: {message}", file=sys.stderr, flush=True)


class StackError(RuntimeError):
    pass


@dataclass
class StackConfig:
    root: Path = BASE_DIR / "var" / "prod"
    host: str = "127.0.0.1"
    https_port: int = 8443
    http_port: int = 8080
    app_port: int | None = None  # gunicorn on 127.0.0.1; a free port when None
    pg_dir: Path | None = None  # default root/pg
    media_root: Path | None = None  # default root/media
    private_media_root: Path | None = None  # default root/private
    redis_url: str = "redis://127.0.0.1:6379/1"
    email_host: str = "127.0.0.1"
    email_port: int = 1025
    mail_sink: bool = False  # start an aiosmtpd sink at email_host:email_port (make prod only)
    gunicorn_workers: int = 2
    housekeeping_interval: float = 300
    hsts_seconds: int = 0  # see from_environ
    fresh_database: bool = False  # remove the cluster first (the tests)
    log_to_files: bool = False  # children's output into root/log/*.log instead of the terminal
    env: dict[str, str] = field(default_factory=dict)  # added last, overriding
    # Several machines: gunicorn instances behind nginx as load balancer, task workers. Each gets
    # folders of its own (root/machines/NAME), as on a machine of its own.
    app_instances: int = 1
    task_workers: int = 1
    # /media/ proxied to this URL (the media bucket, e.g. http://127.0.0.1:9000/media/) with
    # deploy/nginx/media-s3.conf, instead of served from MEDIA_ROOT.
    media_proxy: str | None = None
    # Tests only: one extra HTTPS port per app instance that reaches that instance alone, so a
    # test can choose the machine a request lands on.
    pinned_ports: bool = False

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.pg_dir = Path(self.pg_dir or self.root / "pg").resolve()
        self.media_root = Path(self.media_root or self.root / "media").resolve()
        self.private_media_root = Path(self.private_media_root or self.root / "private").resolve()

    @classmethod
    def from_environ(cls, environ=os.environ) -> StackConfig:
        """``make prod``'s settings: PROD_DIR, PROD_HTTPS_PORT, PROD_HTTP_PORT, REDIS_URL,
        EMAIL_HOST/EMAIL_PORT (unset: the local sink), HOUSEKEEPING_INTERVAL, PROD_HSTS_SECONDS.

        HSTS is off by default here: a browser would remember it for "localhost" on every port
        and then refuse the plain-HTTP development server on the same machine."""
        email_host = environ.get("EMAIL_HOST", "")
        return cls(
            root=Path(environ.get("PROD_DIR") or BASE_DIR / "var" / "prod"),
            https_port=int(environ.get("PROD_HTTPS_PORT", "8443")),
            http_port=int(environ.get("PROD_HTTP_PORT", "8080")),
            redis_url=environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1",
            email_host=email_host or "127.0.0.1",
            email_port=int(environ.get("EMAIL_PORT") or ("25" if email_host else "1025")),
            mail_sink=not email_host,
            housekeeping_interval=float(environ.get("HOUSEKEEPING_INTERVAL", "300")),
            hsts_seconds=int(environ.get("PROD_HSTS_SECONDS", "0")),
        )

    @property
    def site_url(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def cert_file(self) -> Path:
        return self.root / "tls" / "cert.pem"

    @property
    def key_file(self) -> Path:
        return self.root / "tls" / "key.pem"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def find_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise StackError(
            "nginx is not installed. On Debian/Ubuntu: apt-get install nginx "
            "(the stack uses its own configuration and ports; the distribution's site may stay "
            "off: systemctl disable --now nginx)."
        )
    return found


def render_nginx_site(
    template: str, *, host: str, https_port: int, http_port: int, cert: Path, key: Path,
    media_root: Path, cache_dir: Path, app_address: str | list[str],
    media_proxy: str | None = None, media_s3_template: str | None = None,
) -> str:  # fmt: skip
    """The site file with this machine's values. Each replaced text must be in the template, so a
    changed template fails here loudly instead of rendering a half-local configuration.

    ``app_address`` may be a list: the upstream then balances over all of them. With
    ``media_proxy`` the local ``location /media/`` block is replaced by the one of
    ``deploy/nginx/media-s3.conf`` with that bucket URL (object storage)."""
    addresses = [app_address] if isinstance(app_address, str) else list(app_address)
    upstream = "\n    ".join(f"server {address};" for address in addresses)
    replacements = [
        ("listen 80;", f"listen {host}:{http_port};"),
        ("listen [::]:80;", "# (no IPv6 listener on this machine)"),
        ("listen 443 ssl http2;", f"listen {host}:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", "# (no IPv6 listener on this machine)"),
        ("server_name smartregion-emscher-lippe.de;", "server_name localhost 127.0.0.1;"),
        ("/etc/letsencrypt/live/smartregion-emscher-lippe.de/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/smartregion-emscher-lippe.de/privkey.pem", str(key)),
        ("alias /srv/smartregion/media/;", f"alias {media_root}/;"),
        ("proxy_cache_path /var/cache/nginx-smartregion ", f"proxy_cache_path {cache_dir} "),
        ("server 127.0.0.1:8000;", upstream),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
    ]  # fmt: skip
    text = template
    for old, new in replacements:
        if old not in text:
            raise StackError(f"{NGINX_TEMPLATE}: expected {old!r} in the template")
        text = text.replace(old, new)
    if media_proxy:
        text = _replace_media_location(
            text, media_s3_template or NGINX_MEDIA_S3.read_text(), media_proxy
        )
    return text


MEDIA_LOCATION = re.compile(r"^    location /media/ \{\n.*?^    \}\n", re.MULTILINE | re.DOTALL)


def _replace_media_location(site: str, s3_template: str, bucket_url: str) -> str:
    """``site`` with its ``location /media/`` block replaced by ``s3_template``'s blocks (the
    file's comment lines dropped), proxying to ``bucket_url``."""
    if len(MEDIA_LOCATION.findall(site)) != 1:
        raise StackError(f"{NGINX_TEMPLATE}: expected one 'location /media/' block")
    placeholder = "http://s3.internal:9000/smartregion-media/"
    if placeholder not in s3_template:
        raise StackError(f"{NGINX_MEDIA_S3}: expected {placeholder!r} in the template")
    parts = urlsplit(bucket_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StackError(f"media_proxy must be an http(s) URL of the bucket, not {bucket_url!r}")
    body = [line for line in s3_template.splitlines() if not line.startswith("#")]
    block = "\n".join(f"    {line}" if line else "" for line in body).strip("\n") + "\n"
    block = block.replace(placeholder, bucket_url.rstrip("/") + "/")
    return MEDIA_LOCATION.sub(lambda _match: block, site)


def pinned_servers(
    *, host: str, cert: Path, key: Path, instances: dict[str, tuple[int, str]]
) -> str:  # fmt: skip
    """Tests only: for each app instance NAME -> (port, address) an HTTPS server on ``port``
    that passes everything to that instance alone, with the headers the site file sets. Without
    the micro-cache: a request on such a port always reaches its instance."""
    blocks = []
    for name, (port, address) in instances.items():
        blocks.append(f"""
upstream smartregion_pinned_{name} {{
    server {address};
}}
server {{
    listen {host}:{port} ssl;
    server_name localhost 127.0.0.1;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    client_max_body_size 80m;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Request-ID $request_id;
    proxy_redirect off;
    location / {{
        proxy_pass http://smartregion_pinned_{name};
    }}
}}
""")
    return "".join(blocks)


def nginx_main_config(root: Path, site: Path) -> str:
    """nginx.conf around the site: everything nginx writes stays under ``root``."""
    user = ""
    if os.geteuid() == 0:
        # As root the master reads the certificate and binds; the workers run unprivileged and
        # so must be able to read what they serve (MEDIA_ROOT).
        group = "nogroup"
        try:
            grp.getgrnam(group)
        except KeyError:
            group = "nobody"
        user = f"user nobody {group};"
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = root / "nginx"
    return f"""# Rendered by smartregion/site/prodstack.py: edit deploy/nginx/smartregion.conf instead.
daemon off;
worker_processes 1;
pid {root}/run/nginx.pid;
error_log {root}/log/nginx-error.log warn;
{user}
events {{ worker_connections 512; }}
http {{
    {mime}
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
    access_log {root}/log/nginx-access.log;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


def redis_answers(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme != "redis":
        return True  # TLS or a Unix socket: not checked here
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 3) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64)[:1] in (b"+", b"-")
    except OSError:
        return False


@dataclass
class Managed:
    name: str
    kind: str  # "nginx", "web" or "worker": the order of stopping
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # this process's own values (its machine)
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    kept_down: bool = False  # killed on purpose (a test): not started again


class Stack:
    """Start, watch and stop the deployed stack. ``start()`` returns once /healthz answers 200."""

    def __init__(self, config: StackConfig):
        self.config = config
        self.root = config.root
        self.log_dir = self.root / "log"
        self.database_url = ""
        self._managed: dict[str, Managed] = {}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._sink = None
        self.app_port = config.app_port or free_port()
        # The app instances (name -> gunicorn's port) and the task workers, by name. One of each
        # keeps the names of the single machine ("gunicorn", "worker").
        if config.app_instances == 1:
            self.app_ports = {"gunicorn": self.app_port}
        else:
            self.app_ports = {
                f"web-{chr(ord('a') + i)}": (self.app_port if i == 0 else free_port())
                for i in range(config.app_instances)
            }
        self.worker_names = (
            ["worker"]
            if config.task_workers == 1
            else [f"worker-{i + 1}" for i in range(config.task_workers)]
        )
        self.pinned_ports = (
            {name: free_port() for name in self.app_ports} if config.pinned_ports else {}
        )

    @property
    def several_machines(self) -> bool:
        return self.config.app_instances > 1 or self.config.task_workers > 1

    @property
    def cache_dir(self) -> Path:
        """nginx's micro-cache of reading pages (``proxy_cache_path`` of the site file)."""
        return self.root / "nginx" / "cache"

    def machine_dir(self, name: str) -> Path:
        """The folders of the process ``name`` when every process stands for a machine."""
        return self.root / "machines" / name

    def machine_env(self, name: str) -> dict[str, str]:
        """What differs between machines: gunicorn's port and, with several machines, the local
        media folders (which must stay empty when the files live in object storage)."""
        env = {}
        if name in self.app_ports:
            env["GUNICORN_BIND"] = f"127.0.0.1:{self.app_ports[name]}"
        if self.several_machines:
            env["MEDIA_ROOT"] = str(self.machine_dir(name) / "media")
            env["PRIVATE_MEDIA_ROOT"] = str(self.machine_dir(name) / "private")
        return env

    def local_files(self) -> list[Path]:
        """Every file under a MEDIA_ROOT or PRIVATE_MEDIA_ROOT of this stack's processes and of
        its manage.py runs."""
        folders = [self.config.media_root, self.config.private_media_root]
        for name in [*self.app_ports, *self.worker_names]:
            folders += [self.machine_dir(name) / "media", self.machine_dir(name) / "private"]
        return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())

    # Environment ------------------------------------------------------------------------------

    def secret_key(self) -> str:
        path = self.root / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
        return path.read_text().strip()

    def env(self) -> dict[str, str]:
        c = self.config
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env.update(
            DJANGO_SETTINGS_MODULE="smartregion.site.settings",
            DEBUG="false",
            SECRET_KEY=self.secret_key(),
            ALLOWED_HOSTS="localhost,127.0.0.1",
            SITE_URL=c.site_url,
            CSRF_TRUSTED_ORIGINS=",".join(
                f"https://{host}:{port}"
                for port in [c.https_port, *self.pinned_ports.values()]
                for host in ("localhost", "127.0.0.1")
            ),
            TRUSTED_PROXY_COUNT="1",
            SECURE_PROXY_SSL_HEADER="true",
            SECURE_HSTS_SECONDS=str(c.hsts_seconds),
            REDIS_URL=c.redis_url,
            DATABASE_URL=self.database_url or self._devdb("url"),
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=c.email_host,
            EMAIL_PORT=str(c.email_port),
            MEDIA_ROOT=str(c.media_root),
            PRIVATE_MEDIA_ROOT=str(c.private_media_root),
            GUNICORN_BIND=f"127.0.0.1:{self.app_port}",
            SMARTREGION_STACK=str(self.root),  # recognises leftovers of a killed run
            GUNICORN_WORKERS=str(c.gunicorn_workers),
            PYTHONUNBUFFERED="1",
        )
        if c.mail_sink:
            env.update(EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS="false")
        env.update(c.env)
        return env

    # Commands ---------------------------------------------------------------------------------

    def _devdb(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env["DEVDB_DIR"] = str(self.config.pg_dir)
        result = subprocess.run(
            [sys.executable, "-m", "smartregion.site.devdb", *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            start_new_session=True,  # Ctrl-C reaches the launcher only
        )
        if result.returncode != 0:
            raise StackError(f"devdb {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    def start_database(self) -> None:
        self.database_url = self._devdb("start")

    def stop_database(self) -> None:
        self._devdb("stop")

    def manage(self, *args: str, check: bool = True, timeout: float = 600) -> str:
        """Run manage.py with the stack's settings; returns its output (stdout and stderr)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
        output = result.stdout + result.stderr
        if check and result.returncode != 0:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{output}")
        return output

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.config.cert_file))

    # Preparation ------------------------------------------------------------------------------

    def make_certificate(self) -> None:
        cert, key = self.config.cert_file, self.config.key_file
        if cert.exists() and key.exists():
            still_valid = subprocess.run(
                ["openssl", "x509", "-checkend", "86400", "-noout", "-in", str(cert)],
                capture_output=True,
            )
            if still_valid.returncode == 0:
                return
        if not shutil.which("openssl"):
            raise StackError("openssl is needed for the certificate (apt-get install openssl)")
        cert.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "365", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
             "-addext", "extendedKeyUsage=serverAuth",
             "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        key.chmod(0o600)

    def write_nginx_config(self) -> Path:
        c = self.config
        site = self.root / "smartregion.conf"
        text = render_nginx_site(
            NGINX_TEMPLATE.read_text(),
            host=c.host,
            https_port=c.https_port,
            http_port=c.http_port,
            cert=c.cert_file,
            key=c.key_file,
            media_root=c.media_root,
            cache_dir=self.cache_dir,
            app_address=[f"127.0.0.1:{port}" for port in self.app_ports.values()],
            media_proxy=c.media_proxy,
        )
        if self.pinned_ports:
            text += pinned_servers(
                host=c.host,
                cert=c.cert_file,
                key=c.key_file,
                instances={
                    name.replace("-", "_"): (port, f"127.0.0.1:{self.app_ports[name]}")
                    for name, port in self.pinned_ports.items()
                },
            )
        site.write_text(text)
        main = self.root / "nginx.conf"
        main.write_text(nginx_main_config(self.root, site))
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.root / "nginx" / sub).mkdir(parents=True, exist_ok=True)
        return main

    def nginx_command(self, *extra: str) -> list[str]:
        return [
            find_nginx(), "-p", str(self.root), "-c", str(self.root / "nginx.conf"),
            "-e", str(self.log_dir / "nginx-error.log"), *extra,
        ]  # fmt: skip

    def prepare(self) -> None:
        c = self.config
        os.umask(0o022)  # files nginx serves must be readable by its workers
        find_nginx()
        if not redis_answers(c.redis_url):
            raise StackError(
                f"Redis does not answer at {c.redis_url} (Debian: apt-get install redis-server; "
                "or set REDIS_URL)."
            )
        for path in (
            self.root,
            self.log_dir,
            self.root / "run",
            c.media_root,
            c.private_media_root,
        ):
            path.mkdir(parents=True, exist_ok=True)
        self._stop_leftovers()
        # Every start begins with an empty micro-cache: copies of an earlier run could carry the
        # ETag of other content (a fresh database counts its content versions from 0 again).
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        if c.fresh_database:
            self.stop_database()
            shutil.rmtree(c.pg_dir, ignore_errors=True)
        say(f"PostgreSQL in {c.pg_dir}")
        self.start_database()
        self.make_certificate()
        say("migrate, collectstatic, compilemessages")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage(*COMPILEMESSAGES)
        self.write_nginx_config()
        test = subprocess.run(self.nginx_command("-t"), capture_output=True, text=True)
        if test.returncode != 0:
            raise StackError(f"nginx -t failed:\n{test.stderr}")

    # Processes --------------------------------------------------------------------------------

    @property
    def _pidfile(self) -> Path:
        return self.root / "run" / "pids"

    def _stop_leftovers(self) -> None:
        """Stop processes of an earlier run with this folder that was killed before it could stop
        them (they run in sessions of their own, so they outlive it). A process is recognised by
        this stack's SMARTREGION_STACK in its environment or (nginx, which overwrites its environment
        with its process title) this stack's nginx.conf on its command line, not by pid alone."""
        if not self._pidfile.exists():
            return
        marker = f"SMARTREGION_STACK={self.root}".encode()
        nginx_conf = str(self.root / "nginx.conf").encode()
        left = []
        for word in self._pidfile.read_text().split():
            pid = int(word)
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if marker in environ or nginx_conf in cmdline:
                say(f"stopping process {pid}, left over from an earlier run")
                try:
                    os.killpg(pid, signal.SIGTERM)
                    left.append(pid)
                except OSError:
                    pass
        deadline = time.monotonic() + 15
        while left and time.monotonic() < deadline:
            left = [pid for pid in left if Path(f"/proc/{pid}").exists()]
            time.sleep(0.2)
        for pid in left:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        self._pidfile.unlink(missing_ok=True)

    def _spawn(self, managed: Managed) -> None:
        output = None
        if self.config.log_to_files:
            output = open(self.log_dir / f"{managed.name}.log", "ab")
        managed.process = subprocess.Popen(
            managed.command,
            cwd=BASE_DIR,
            env={**self.env(), **managed.env},
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,  # Ctrl-C reaches the launcher, which stops them in order
        )
        managed.started_at = time.monotonic()
        with open(self._pidfile, "a") as pids:
            pids.write(f"{managed.process.pid}\n")
        if output:
            output.close()

    def _add(self, name: str, kind: str, command: list[str]) -> None:
        managed = Managed(name, kind, command, env=self.machine_env(name))
        for folder in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
            if folder in managed.env:
                Path(managed.env[folder]).mkdir(parents=True, exist_ok=True)
        self._managed[name] = managed
        self._spawn(managed)

    def kill(self, name: str) -> None:
        """Kill the process ``name`` and its children at once (SIGKILL: a machine that dies) and
        keep it down until ``revive()``."""
        with self._lock:
            managed = self._managed[name]
            managed.kept_down = True
            if managed.process and managed.process.poll() is None:
                os.killpg(managed.process.pid, signal.SIGKILL)
                managed.process.wait()

    def revive(self, name: str) -> None:
        with self._lock:
            managed = self._managed[name]
            managed.kept_down = False
            if managed.process is None or managed.process.poll() is not None:
                self._spawn(managed)

    def _watch(self) -> None:
        """Start again what exited (systemd's Restart=), a little later after quick crashes."""
        while not self._stopping.wait(0.5):
            with self._lock:
                exited = [
                    (managed, managed.process.poll())
                    for managed in self._managed.values()
                    if managed.process
                    and not managed.kept_down
                    and managed.process.poll() is not None
                ]
            for managed, code in exited:
                lived = time.monotonic() - managed.started_at
                delay = 1 if lived > 10 else min(10, 1 + managed.restarts)
                say(f"{managed.name} exited with {code}; starting it again in {delay} s")
                managed.restarts += 1
                if self._stopping.wait(delay):
                    return
                with self._lock:
                    if not self._stopping.is_set() and not managed.kept_down:
                        self._spawn(managed)

    def _housekeeping(self) -> None:
        """The timer's job: ``manage.py housekeeping`` now and every ``housekeeping_interval``."""
        while not self._stopping.is_set():
            try:
                self.manage("housekeeping", timeout=600)
            except (StackError, subprocess.TimeoutExpired) as error:
                say(f"housekeeping failed: {error}")
            if self._stopping.wait(self.config.housekeeping_interval):
                return

    def _start_mail_sink(self) -> None:
        c = self.config
        with socket.socket() as probe:
            if probe.connect_ex((c.email_host, c.email_port)) == 0:
                say(f"something answers on {c.email_host}:{c.email_port}; using it for mail")
                return
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            say("aiosmtpd is not installed (make install); mail will wait in the task queue")
            return
        log = self.root / "mail.log"

        class Sink:
            async def handle_DATA(self, server, session, envelope):
                with open(log, "ab") as f:
                    f.write(
                        f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} to {', '.join(envelope.rcpt_tos)}\n".encode()
                    )
                    f.write(envelope.original_content or envelope.content)
                    f.write(b"\n")
                return "250 OK"

        self._sink = Controller(Sink(), hostname=c.email_host, port=c.email_port)
        self._sink.start()
        say(f"mail: SMTP sink on {c.email_host}:{c.email_port}, every mail into {log}")

    def start(self, timeout: float = 90) -> None:
        self.prepare()
        if self.config.mail_sink:
            self._start_mail_sink()
        python = sys.executable
        gunicorn = str(Path(sysconfig.get_path("scripts")) / "gunicorn")
        with self._lock:
            for name in self.app_ports:
                self._add(name, "web", [gunicorn, "-c", str(GUNICORN_CONF)])
            for name in self.worker_names:
                self._add(name, "worker", [python, "manage.py", *WORKER_COMMAND])
            self._add("nginx", "nginx", self.nginx_command())
        for target in (self._watch, self._housekeeping):
            thread = threading.Thread(target=target, daemon=True, name=target.__name__)
            thread.start()
            self._threads.append(thread)
        self.wait_healthy(timeout)

    def healthz_status(self, *, timeout: float = 5) -> int:
        url = f"https://127.0.0.1:{self.config.https_port}/healthz"
        request = urllib.request.Request(
            url, headers={"Host": f"localhost:{self.config.https_port}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.ssl_context()) as r:
                return r.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, OSError):
            return 0

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthz_status() == 200:
                return
            time.sleep(0.3)
        raise StackError(f"/healthz did not answer 200 within {timeout} s; logs in {self.log_dir}")

    def stop(self) -> None:
        """nginx first (no new requests), then gunicorn and the worker (each finishes what it is
        doing), then the database."""
        self._stopping.set()
        with self._lock:
            signals = {"nginx": signal.SIGQUIT, "web": signal.SIGTERM, "worker": signal.SIGTERM}
            order = sorted(self._managed.values(), key=lambda m: list(signals).index(m.kind))
            for managed in order:
                if managed.process and managed.process.poll() is None:
                    managed.process.send_signal(signals[managed.kind])
            for managed in order:
                if managed.process:
                    try:
                        managed.process.wait(timeout=40)
                    except subprocess.TimeoutExpired:
                        managed.process.kill()
                        managed.process.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        self._pidfile.unlink(missing_ok=True)
        if self._sink is not None:
            self._sink.stop()
            self._sink = None
        self.stop_database()


def _run(config: StackConfig) -> int:
    stack = Stack(config)
    stopping = threading.Event()

    def on_signal(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
        say(
            f"serving {config.site_url}/ (DEBUG off, self-signed certificate "
            f"{config.cert_file}; plain HTTP on http://localhost:{config.http_port}/ redirects). "
            "Ctrl-C stops nginx, gunicorn, the worker, the housekeeping loop and the database."
        )
        say(
            "a staff account: .venv/bin/python -m smartregion.site.prodstack manage createsuperuser"
        )
        while not stopping.wait(1):
            pass
        return 0
    except StackError as error:
        say(str(error))
        return 1
    finally:
        say("stopping")
        stack.stop()


def main(argv: list[str]) -> int:
    config = StackConfig.from_environ()
    if argv[:1] == ["manage"]:
        stack = Stack(config)
        return subprocess.call(
            [sys.executable, "manage.py", *argv[1:]], cwd=BASE_DIR, env=stack.env()
        )
    if argv:
        print(__doc__)
        return 2
    try:
        find_nginx()
    except StackError as error:
        say(str(error))
        return 1
    return _run(config)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
