"""The visitor's address behind trusted proxies, and counters that count in Redis as they claim."""

import os
import subprocess
import sys
import threading

import pytest
import redis
from django.conf import settings as django_settings
from django.test import RequestFactory

from smartregion.core.ratelimit import EXPIRY_MARGIN_SECONDS, Limit, allow, client_ip, hit

PROXY = "10.0.0.1"  # REMOTE_ADDR of every request that came through nginx


def request(remote=PROXY, xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().post("/", **extra)


def raw_redis() -> redis.Redis:
    return redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])


def counter_keys(scope: str) -> list[bytes]:
    return raw_redis().keys(f"*rl:{scope}:*")


# client_ip -------------------------------------------------------------------------------------


def test_without_trusted_proxies_the_address_is_remote_addr_whatever_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.5")) == "203.0.113.5"
    assert client_ip(request("203.0.113.5", xff="198.51.100.1")) == "203.0.113.5"


def test_behind_one_proxy_the_address_is_the_one_nginx_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(xff="203.0.113.5")) == "203.0.113.5"
    assert client_ip(request(xff="198.51.100.7, 203.0.113.5")) == "203.0.113.5"


def test_behind_two_proxies_the_address_is_the_one_the_outer_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # load balancer appends the visitor, nginx appends the load balancer
    assert client_ip(request(xff="203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    assert client_ip(request(xff="1.2.3.4, 203.0.113.5,10.0.0.2")) == "203.0.113.5"


@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.parametrize(
    "forged",
    ["", "1.2.3.4", "1.2.3.4, 5.6.7.8", "unknown", "::1, 127.0.0.1", ", , ,", "x" * 5000],
)
def test_entries_a_visitor_adds_on_the_left_never_change_the_address(settings, count, forged):
    settings.TRUSTED_PROXY_COUNT = count
    appended = ["203.0.113.5", "10.0.0.2"][:count]  # what the trusted proxies wrote
    honest = client_ip(request(xff=", ".join(appended)))
    header = ", ".join([forged, *appended]) if forged else ", ".join(appended)
    assert client_ip(request(xff=header)) == honest == "203.0.113.5"


def test_a_header_shorter_than_the_proxy_count_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(xff="203.0.113.5")) == PROXY
    assert client_ip(request()) == PROXY  # no header: not through the proxies


@pytest.mark.parametrize(
    "garbage",
    ["", " ", ",", "not-an-ip", "203.0.113.5:443", "999.1.1.1", "203.0.113.5\x00", "ä" * 300],
)
def test_a_garbage_entry_falls_back_to_remote_addr(settings, garbage):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(xff=f"203.0.113.9, {garbage}")) == PROXY


def test_ipv6_addresses_are_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(xff="2001:DB8:0::1")) == "2001:db8::1"


def test_no_remote_addr_at_all_still_gives_an_answer(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(remote="")) == "unknown"


# The setting -------------------------------------------------------------------------------------


def load_settings(**env) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.CACHES['default']['BACKEND'])"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXY_COUNT", "REDIS_URL"}}
    environ.update(
        DJANGO_SETTINGS_MODULE="smartregion.site.settings",
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_trusted_proxy_count_defaults_to_zero_and_reads_a_number():
    assert load_settings().stdout.split()[0] == "0"
    assert load_settings(TRUSTED_PROXY_COUNT="").stdout.split()[0] == "0"
    assert load_settings(TRUSTED_PROXY_COUNT=" 2 ").stdout.split()[0] == "2"


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", "²"])
def test_a_bad_trusted_proxy_count_stops_the_start(value):
    result = load_settings(TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


def test_the_default_cache_is_redis_at_redis_url_and_memory_without():
    assert load_settings().stdout.split()[1].endswith("locmem.LocMemCache")
    with_redis = load_settings(REDIS_URL="redis://127.0.0.1:6379/11")
    assert with_redis.stdout.split()[1] == "smartregion.core.cache.ResilientRedisCache"


def test_the_tests_count_in_redis():
    assert (
        django_settings.CACHES["default"]["BACKEND"] == "smartregion.core.cache.ResilientRedisCache"
    )
    assert raw_redis().ping()


# hit -------------------------------------------------------------------------------------------


def test_concurrent_hits_from_separate_connections_count_exactly(settings):
    threads_count, limit = 40, 15
    barrier = threading.Barrier(threads_count)
    results: list[bool] = []
    backends = []
    lock = threading.Lock()

    def worker():
        from django.core.cache import caches

        backend = caches["default"]  # per thread: its own client and connection pool
        barrier.wait()
        allowed = hit("concurrency", "same-key", limit=limit, period_seconds=3600)
        with lock:
            results.append(allowed)
            backends.append(backend)
        backend.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len({id(backend) for backend in backends}) == threads_count
    assert results.count(True) == limit
    assert len(results) == threads_count
    [key] = counter_keys("concurrency")
    assert int(raw_redis().get(key)) == threads_count


def test_the_counter_has_an_expiry_in_redis():
    for _ in range(3):
        hit("expiry", "someone", limit=10, period_seconds=600)
    [key] = counter_keys("expiry")
    ttl = raw_redis().ttl(key)
    assert 0 < ttl <= 600 + EXPIRY_MARGIN_SECONDS


def test_hits_do_not_extend_the_window(time_machine):
    start = 1_800_000_000.0  # a multiple of the period: the start of a window
    time_machine.move_to(start, tick=False)
    assert hit("window", "k", limit=2, period_seconds=2)
    assert hit("window", "k", limit=2, period_seconds=2)
    assert not hit("window", "k", limit=2, period_seconds=2)
    time_machine.move_to(start + 1.99, tick=False)
    assert not hit("window", "k", limit=2, period_seconds=2)  # still the same window
    time_machine.move_to(start + 2.0, tick=False)
    assert hit("window", "k", limit=2, period_seconds=2)  # the next one, despite the hits


def test_the_window_ends_on_time_with_real_time(settings):
    import time

    period = 1
    # Start just after a window began, so the first three hits share it.
    time.sleep(period - time.time() % period + 0.02)
    assert hit("real-window", "k", limit=1, period_seconds=period)
    assert not hit("real-window", "k", limit=1, period_seconds=period)
    time.sleep(period - time.time() % period + 0.02)
    assert hit("real-window", "k", limit=1, period_seconds=period)


# allow -----------------------------------------------------------------------------------------


def test_allow_limits_each_visitor_behind_the_proxy_separately(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    per_ip = Limit(attempts=3, seconds=3600)
    for _ in range(3):
        assert allow(request(xff="203.0.113.5"), "form", per_ip=per_ip)
    assert not allow(request(xff="203.0.113.5"), "form", per_ip=per_ip)
    # A forged header keeps the visitor limited; another visitor has their own limit.
    assert not allow(request(xff="198.51.100.77, 203.0.113.5"), "form", per_ip=per_ip)
    assert allow(request(xff="203.0.113.6"), "form", per_ip=per_ip)


def test_allow_counts_the_address_and_the_email_and_needs_both(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    per_ip, per_email = Limit(3, 3600), Limit(2, 3600)
    assert allow(request("203.0.113.1"), "f", per_ip=per_ip, email="a@x.org", per_email=per_email)
    assert allow(request("203.0.113.2"), "f", per_ip=per_ip, email="A@x.org", per_email=per_email)
    # The email is used up: refused from a third address, too.
    assert not allow(
        request("203.0.113.3"), "f", per_ip=per_ip, email="a@x.org", per_email=per_email
    )
    # That refused attempt still counted for 203.0.113.3: 2 more, then its address is used up.
    for _ in range(2):
        assert allow(
            request("203.0.113.3"), "f", per_ip=per_ip, email="b@x.org", per_email=per_email
        )
    assert not allow(
        request("203.0.113.3"), "f", per_ip=per_ip, email="c@x.org", per_email=per_email
    )


def test_an_attempt_can_cost_more_than_one():
    # The stash counts bytes: one image of 6 and one of 4 fill a limit of 10.
    assert hit("bytes-test", "all", limit=10, period_seconds=3600, cost=6)
    assert hit("bytes-test", "all", limit=10, period_seconds=3600, cost=4)
    assert not hit("bytes-test", "all", limit=10, period_seconds=3600, cost=1)
