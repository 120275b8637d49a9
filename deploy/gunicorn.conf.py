"""gunicorn configuration of the portal: `gunicorn -c deploy/gunicorn.conf.py`.

Used as is by the systemd unit (deploy/systemd/smartregion-web.service) and by `make prod`.
Every value an operator may want to change comes from the environment (deploy/env.example).
"""

import multiprocessing
import os
from pathlib import Path

# The project folder (the one with manage.py), so the unit and `make prod` need no --chdir.
chdir = str(Path(__file__).resolve().parents[1])
wsgi_app = "smartregion.site.wsgi:application"

# Only the local nginx talks to gunicorn: a TCP port on the loopback interface (or a Unix socket,
# "unix:/run/smartregion/gunicorn.sock", reachable by nginx's user).
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers: the site's views are short database requests. Two per core plus one, at most 8
# by default (each holds a PostgreSQL connection while CONN_MAX_AGE lasts).
workers = int(os.environ.get("GUNICORN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"

# A request that takes longer than this is killed (the database's statement timeout, 15 s by
# default, ends slow queries first). On SIGTERM workers finish their request for graceful_timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Workers are replaced after about this many requests (with jitter, so not all at once): a leak
# in a library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Heartbeat files in memory, not on a disk that may stall (and / is read-only under systemd).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stdout/stderr: journald (or the terminal of `make prod`) adds the time. The access log
# carries nginx's request id, which the application's log lines carry as well.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s "%(a)s"'

# X-Forwarded-Proto is believed only from the local nginx (a Unix socket peer is local too).
# The visitor's address is the application's business: TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "smartregion-web"

# No runtime control socket (gunicorn 25.1+ puts one in $HOME, which is read-only under systemd
# and shared between instances): signals do it all (HUP reloads, TERM stops gracefully).
control_socket_disable = True
