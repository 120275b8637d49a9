from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# nginx's logs (Debian writes every site's access and error log here): rotated daily, a rotated
# file per day kept, so the oldest line is LOG_RETENTION_DAYS old just before a rotation. nginx
# opens new files itself when told to (invoke-rc.d nginx rotate: USR1).
LOGROTATE = """\
# /etc/logrotate.d/nginx, written by `manage.py log_retention_config logrotate` from
# LOG_RETENTION_DAYS={days}: nginx's logs are deleted after {days} day(s). It replaces the file of
# Debian's nginx package (which keeps 14 days); docs/legal.md, Server logs.
{log_dir}/*.log {{
    daily
    rotate {rotate}
    maxage {days}
    missingok
    notifempty
    compress
    delaycompress
    sharedscripts
    postrotate
        invoke-rc.d nginx rotate >/dev/null 2>&1 || true
    endscript
}}
"""

# The journal holds the portal's own logs (gunicorn's and the worker's output, with request ids).
# A journal file is deleted once all its entries are older than MaxRetentionSec; MaxFileSec starts
# a new file each day, so nothing outlives the retention by more than a day.
JOURNALD = """\
# /etc/systemd/journald.conf.d/smartregion.conf, written by `manage.py log_retention_config
# journald` from LOG_RETENTION_DAYS={days}. It applies to the whole journal of this machine;
# `systemctl restart systemd-journald` applies it (docs/legal.md, Server logs).
[Journal]
MaxRetentionSec={days}day
MaxFileSec=1day
"""


class Command(BaseCommand):
    help = (
        "Print the configuration that deletes server logs after LOG_RETENTION_DAYS (the period "
        "the privacy statement names): 'logrotate' for nginx's logs (/etc/logrotate.d/nginx), "
        "'journald' for the journal (/etc/systemd/journald.conf.d/smartregion.conf)."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", choices=["logrotate", "journald"])
        parser.add_argument(
            "--log-dir",
            default="/var/log/nginx",
            help="nginx's log folder (default: /var/log/nginx).",
        )

    def handle(self, *args, target: str, log_dir: str, **options):
        days = settings.LOG_RETENTION_DAYS
        if days < 1:
            raise CommandError("LOG_RETENTION_DAYS must be at least 1.")
        if target == "logrotate":
            log_dir = log_dir.rstrip("/")
            self.stdout.write(
                LOGROTATE.format(days=days, rotate=days - 1, log_dir=log_dir), ending=""
            )
        else:
            self.stdout.write(JOURNALD.format(days=days), ending="")
