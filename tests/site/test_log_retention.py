"""Server logs are deleted after LOG_RETENTION_DAYS: the configuration `manage.py
log_retention_config` writes for logrotate (nginx) and journald carries the setting, and the real
logrotate keeps no line older than that."""

import configparser
import gzip
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

LOGROTATE = shutil.which("logrotate") or "/usr/sbin/logrotate"


def rendered(target: str, **options) -> str:
    out = StringIO()
    call_command("log_retention_config", target, stdout=out, **options)
    return out.getvalue()


def test_journald_keeps_the_journal_for_the_setting(settings):
    settings.LOG_RETENTION_DAYS = 5
    config = configparser.ConfigParser()
    config.read_string(rendered("journald"))
    assert config["Journal"]["MaxRetentionSec"] == "5day"
    assert config["Journal"]["MaxFileSec"] == "1day"


def test_logrotate_keeps_one_file_per_day_of_the_setting(settings):
    settings.LOG_RETENTION_DAYS = 10
    text = rendered("logrotate")
    assert "/var/log/nginx/*.log {" in text
    assert "    rotate 9\n" in text and "    maxage 10\n" in text and "    daily\n" in text


@pytest.mark.skipif(not shutil.which("logrotate"), reason="apt-get install logrotate")
def test_the_real_logrotate_keeps_no_line_older_than_the_setting(settings, tmp_path):
    settings.LOG_RETENTION_DAYS = 3
    logs = tmp_path / "nginx"
    logs.mkdir(mode=0o755)
    config = tmp_path / "nginx.logrotate"
    config.write_text(rendered("logrotate", log_dir=str(logs)))
    state = tmp_path / "state"
    for day in range(1, 7):  # six days, each with its own log, rotated at its end
        (logs / "access.log").write_text(f"day {day}\n")
        result = subprocess.run(
            [LOGROTATE, "--force", "--state", str(state), str(config)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    kept = []
    for path in sorted(logs.iterdir()):
        data = path.read_bytes()
        kept.append((gzip.decompress(data) if path.suffix == ".gz" else data).decode().strip())
    # Just before the next rotation today's log joins them: three days in all, never a fourth.
    assert sorted(kept) == ["day 5", "day 6"]


def test_the_setting_must_be_a_day_at_least(settings):
    from django.core.management.base import CommandError

    settings.LOG_RETENTION_DAYS = 0
    with pytest.raises(CommandError):
        rendered("journald")
