"""Cheap checks of the deployment files in deploy/: what the systemd units start exists, the
worker serves the agreed queues, env.example lists every setting, nginx accepts the rendered
site and lets the largest legitimate upload through. (systemd is not running here; the deployed
tests in test_stack.py run the same commands for real.)"""

import re
import runpy
import shlex
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import get_commands, load_command_class
from django.http.cookie import parse_cookie
from django.urls import reverse

from blog.models import MAX_GALLERY_IMAGES
from smartregion.core.images import DEFAULT_MAX_BYTES
from smartregion.core.videos import CAPTIONS_MAX_BYTES
from smartregion.site import prodstack

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
UNITS = DEPLOY / "systemd"
APP_DIR = "/srv/smartregion/app"


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """systemd's format: [Section], Key=value lines (keys may repeat), # and ; comments."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: {line!r} before any section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not Key=value: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def one(unit: dict, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, (section, key, found)
    return found[0]


def env_example() -> dict[str, str]:
    """Every variable in env.example, set or commented out (``#NAME=value``)."""
    found = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        match = re.match(r"#?([A-Z][A-Z0-9_]+)=(.*)$", line.strip())
        if match:
            found[match.group(1)] = match.group(2).strip('"')
    return found


def manage_argv(exec_line: str) -> list[str]:
    """The arguments after ``manage.py`` of a unit's command; asserts the interpreter."""
    argv = shlex.split(exec_line)
    assert argv[0] == f"{APP_DIR}/.venv/bin/python", exec_line
    assert argv[1] == "manage.py", exec_line
    return argv[2:]


def assert_real_manage_command(argv: list[str]) -> None:
    name, *options = argv
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name!r}"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    parser.parse_args(options)  # exits (SystemExit) on an option the command does not know


SERVICES = sorted(UNITS.glob("*.service"))


def test_the_units_are_there():
    names = {p.name for p in UNITS.iterdir()}
    assert {
        "smartregion-web.service",
        "smartregion-worker@.service",
        "smartregion-housekeeping.service",
        "smartregion-housekeeping.timer",
    } <= names


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_service_runs_as_the_app_user_with_the_env_file_in_the_app_folder(path):
    unit = parse_unit(path)
    assert one(unit, "Service", "User") == "smartregion"
    assert one(unit, "Service", "EnvironmentFile") == "/etc/smartregion/env"
    assert one(unit, "Service", "WorkingDirectory") == APP_DIR
    assert one(unit, "Service", "ProtectSystem") == "strict"
    writable = one(unit, "Service", "ReadWritePaths").split()
    env = env_example()
    assert env["MEDIA_ROOT"] in writable and env["PRIVATE_MEDIA_ROOT"] in writable


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_manage_py_command_of_the_units_exists_with_its_options(path, settings):
    from smartregion.site import settings as deployed

    settings.TASKS = deployed.TASKS  # the tests run tasks at once; db_worker needs the real one
    unit = parse_unit(path)
    lines = values(unit, "Service", "ExecStartPre") + values(unit, "Service", "ExecStart")
    manage_lines = [line for line in lines if " manage.py " in line]
    for line in manage_lines:
        assert_real_manage_command(manage_argv(line))


def test_the_web_unit_starts_gunicorn_with_the_repositorys_configuration():
    unit = parse_unit(UNITS / "smartregion-web.service")
    argv = shlex.split(one(unit, "Service", "ExecStart"))
    assert argv[0] == f"{APP_DIR}/.venv/bin/gunicorn"
    assert (BASE_DIR / ".venv" / "bin" / "gunicorn").exists()  # the locked dependencies have it
    assert argv[1:] == ["-c", "deploy/gunicorn.conf.py"]
    assert (BASE_DIR / argv[2]).exists()
    assert one(unit, "Service", "Type") == "notify"  # gunicorn's arbiter calls sd_notify(READY=1)
    # Migrations run before the new code serves.
    assert manage_argv(one(unit, "Service", "ExecStartPre"))[0] == "migrate"


def test_the_worker_serves_the_agreed_queues_and_stops_gracefully():
    unit = parse_unit(UNITS / "smartregion-worker@.service")
    argv = manage_argv(one(unit, "Service", "ExecStart"))
    assert argv == prodstack.WORKER_COMMAND  # make prod and the tests run the same worker
    options = dict(zip(argv[1::2], argv[2::2], strict=True))
    assert options["--queue-name"].split(",") == settings.TASK_QUEUES
    assert one(unit, "Service", "KillSignal") == "SIGTERM"
    assert int(one(unit, "Service", "TimeoutStopSec")) >= 30


def test_the_timer_runs_housekeeping_every_15_minutes_spread_out():
    timer = parse_unit(UNITS / "smartregion-housekeeping.timer")
    assert one(timer, "Timer", "OnCalendar") == "*:0/15"
    assert int(one(timer, "Timer", "RandomizedDelaySec")) > 0
    service = one(timer, "Timer", "Unit")
    assert (UNITS / service).exists()
    unit = parse_unit(UNITS / service)
    assert one(unit, "Service", "Type") == "oneshot"
    assert manage_argv(one(unit, "Service", "ExecStart")) == ["housekeeping"]


def test_env_example_lists_every_variable_the_settings_and_gunicorn_read():
    read = set()
    for source in (
        BASE_DIR / "smartregion" / "site" / "settings.py",
        DEPLOY / "gunicorn.conf.py",
    ):
        text = source.read_text()
        read |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        read |= set(re.findall(r"""env_(?:bool|list|int)\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    assert "DEBUG" in read and "GUNICORN_WORKERS" in read  # the patterns do find them
    missing = read - set(env_example())
    assert not missing, f"deploy/env.example lacks {sorted(missing)}"


def test_gunicorn_configuration_takes_its_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["bind"] == ["127.0.0.1:9123"]
    assert conf["workers"] == 3
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert conf["max_requests"] > 0 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["graceful_timeout"] > 0 and conf["timeout"] > 0
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["wsgi_app"] == settings.WSGI_APPLICATION.replace(".application", ":application")

    monkeypatch.delenv("GUNICORN_WORKERS")
    assert 1 <= runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] <= 8


def test_nginx_lets_the_largest_legitimate_submission_through():
    """A blog post with a cover and the full gallery at the per-file limit, plus the largest
    body of other fields Django accepts, must not be refused by nginx with 413."""
    site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    # The server's own limit (indented once); the video admin's location has its own (below).
    (size,) = re.findall(r"^    client_max_body_size\s+(\d+)m;", site, re.MULTILINE)
    largest = (1 + MAX_GALLERY_IMAGES) * DEFAULT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert int(size) * 1024 * 1024 >= largest + 1024 * 1024  # and a MB for the multipart framing


def test_nginx_lets_the_largest_video_in_gebaerdensprache_through_its_admin_only():
    """The video admin takes a video at SIGN_LANGUAGE_VIDEO_MAX_BYTES with captions, poster and
    the other fields; only that location has the larger limit."""
    site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    (block,) = re.findall(
        r"location \^~ /admin/smartregion/signlanguagevideo/ \{(.*?)\n    \}", site, re.S
    )
    (size,) = re.findall(r"client_max_body_size\s+(\d+)m;", block)
    largest = (
        settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES
        + CAPTIONS_MAX_BYTES
        + DEFAULT_MAX_BYTES
        + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert int(size) * 1024 * 1024 >= largest + 1024 * 1024
    assert "proxy_pass http://smartregion_gunicorn;" in block
    assert reverse("admin:smartregion_signlanguagevideo_add").startswith(
        "/admin/smartregion/signlanguagevideo/"
    )
    assert len(re.findall(r"client_max_body_size", site)) == 2


def test_nginx_sends_captions_as_text_vtt():
    """mime.types maps .mp4 and .webm; .vtt gets its type in the /media/ location."""
    site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    media = re.search(r"    location /media/ \{(.*?)\n    \}\n", site, re.S).group(1)
    vtt = re.search(r"location ~ \\\.vtt\$ \{(.*?)\n        \}", media, re.S).group(1)
    assert 'default_type "text/vtt; charset=utf-8";' in vtt and "types { }" in vtt


def site_location(site: str, head: str) -> str:
    """The body of the (last) location block of the site file that starts with ``head``."""
    blocks = re.findall(rf"^    location {re.escape(head)} \{{\n(.*?)^    \}}\n", site, re.M | re.S)
    assert blocks, head
    return blocks[-1]


def test_nginx_micro_caches_the_pages_and_stores_only_what_the_app_marks_shared():
    site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    pages = site_location(site, "/")  # the HTTPS server's (the last one)
    for directive in (
        "proxy_cache smartregion_pages;",
        "proxy_cache_key $scheme$host$request_uri;",
        "proxy_cache_bypass $smartregion_personal;",
        "proxy_no_cache $smartregion_personal;",
        "proxy_cache_revalidate on;",
        "proxy_cache_background_update on;",
        "proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;",
        "add_header X-Cache-Status $upstream_cache_status always;",
    ):
        assert directive in pages, directive
    # The app alone decides what is stored: its Cache-Control and Set-Cookie are obeyed.
    directives = re.sub(r"#.*", "", site)
    assert "proxy_cache_valid" not in directives and "proxy_ignore_headers" not in directives
    # Static files, media and the video upload of the admin are not kept.
    for head in ("/static/", "/media/", "^~ /admin/smartregion/signlanguagevideo/"):
        assert "proxy_cache " not in site_location(site, head), head
    (zone,) = re.findall(r"^proxy_cache_path (\S+) (.*);$", site, re.M)
    assert "keys_zone=smartregion_pages:" in zone[1] and "use_temp_path=off" in zone[1]


PERSONAL_COOKIES = [
    "__Secure-sessionid",  # SESSION_COOKIE_NAME with DEBUG off (smartregion/site/settings.py)
    settings.SESSION_COOKIE_NAME,
    CookieStorage.cookie_name,  # pending messages
]


@pytest.mark.parametrize("name", PERSONAL_COOKIES)
@pytest.mark.parametrize(
    "header", ["{}=abc", "csrftoken=x; {}=abc", "a=1;{}=abc; b=2", "a=1; {} = abc"]
)
def test_nginx_sends_a_request_with_a_session_or_messages_cookie_past_the_cache(name, header):
    """The map's regex (PCRE, the same in Python's re) flags every Cookie header in which Django
    finds the session or messages cookie."""
    site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    (regex,) = re.findall(r'map \$http_cookie \$smartregion_personal \{.*?"~(.*?)" 1;', site, re.S)
    header = header.format(name)
    assert name in parse_cookie(header)
    assert re.search(regex, header)


@pytest.mark.parametrize(
    "header",
    ["", "csrftoken=abc", "__Secure-csrftoken=abc", "xsessionid=1", "sessionidx=1", "a=sessionid"],
)
def test_nginx_serves_requests_without_a_personal_cookie_from_the_cache(header):
    site = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    (regex,) = re.findall(r'map \$http_cookie \$smartregion_personal \{.*?"~(.*?)" 1;', site, re.S)
    assert not set(PERSONAL_COOKIES) & set(parse_cookie(header))
    assert not re.search(regex, header)


def render_site(template: str, **values) -> str:
    """The site file rendered with fixed local values and ``values``."""
    return prodstack.render_nginx_site(
        template,
        host="127.0.0.1",
        https_port=8443,
        http_port=8080,
        cert=Path("/x/cert.pem"),
        key=Path("/x/key.pem"),
        media_root=Path("/x/media"),
        cache_dir=Path("/x/cache"),
        **values,
    )


def test_rendering_the_nginx_site_keeps_everything_but_the_local_values():
    template = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    rendered = render_site(template, app_address="127.0.0.1:9000")
    assert "listen 127.0.0.1:8443 ssl http2;" in rendered
    assert "alias /x/media/;" in rendered
    assert "proxy_cache_path /x/cache levels=" in rendered
    assert "server 127.0.0.1:9000;" in rendered
    for line in template.splitlines():
        if line.strip().startswith(("proxy_set_header", "ssl_protocols", "ssl_ciphers", "client_")):
            assert line in rendered


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    try:
        prodstack.find_nginx()
    except prodstack.StackError as error:
        pytest.skip(str(error))
    stack = prodstack.Stack(prodstack.StackConfig(root=tmp_path, https_port=1, http_port=2))
    (tmp_path / "log").mkdir()
    (tmp_path / "run").mkdir()
    stack.make_certificate()
    stack.write_nginx_config()
    result = subprocess.run(stack.nginx_command("-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_rendering_for_several_machines_balances_and_proxies_media_to_the_bucket():
    template = (DEPLOY / "nginx" / "smartregion.conf").read_text()
    rendered = render_site(
        template,
        app_address=["127.0.0.1:9001", "127.0.0.1:9002"],
        media_proxy="http://127.0.0.1:9000/media-bucket",
    )
    upstream = re.search(r"upstream smartregion_gunicorn \{(.*?)\}", rendered, re.S).group(1)
    assert re.findall(r"^\s*server (\S+);", upstream, re.M) == ["127.0.0.1:9001", "127.0.0.1:9002"]
    assert "proxy_next_upstream error timeout;" in rendered
    media = re.search(r"location /media/ \{(.*?)\n    \}", rendered, re.S).group(1)
    assert "proxy_pass http://127.0.0.1:9000/media-bucket/;" in media
    assert "alias" not in media and "/x/media" not in rendered
    assert 'proxy_set_header Cookie "";' in media and "limit_except GET" in media
    # Everything else of the site file is as for one machine.
    for line in template.splitlines():
        if line.strip().startswith(("ssl_protocols", "ssl_ciphers", "client_")):
            assert line in rendered


def test_nginx_accepts_the_several_machines_configuration(tmp_path):
    try:
        prodstack.find_nginx()
    except prodstack.StackError as error:
        pytest.skip(str(error))
    config = prodstack.StackConfig(
        root=tmp_path,
        https_port=1,
        http_port=2,
        app_instances=2,
        task_workers=2,
        pinned_ports=True,
        media_proxy="http://127.0.0.1:9000/media-bucket/",
    )
    stack = prodstack.Stack(config)
    (tmp_path / "log").mkdir()
    (tmp_path / "run").mkdir()
    stack.make_certificate()
    stack.write_nginx_config()
    result = subprocess.run(stack.nginx_command("-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert list(stack.app_ports) == ["web-a", "web-b"]
    assert stack.worker_names == ["worker-1", "worker-2"]
    assert stack.machine_env("web-b")["MEDIA_ROOT"].endswith("machines/web-b/media")
