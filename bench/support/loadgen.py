"""A small HTTP load generator: client processes (no GIL sharing) driven in timed bursts.

Each client process keeps one ``http.client`` connection (gunicorn's sync workers close it after
every response, so it reconnects; the latency includes that, as for a real browser without
keep-alive) and sends requests one after the other until the burst ends.
"""

import http.client
import multiprocessing
import time
from dataclasses import dataclass, field


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    elapsed: float = 0.0  # wall time from the common start to the last response


def _client(conn, host: str, port: int) -> None:
    try:
        _serve_bursts(conn, host, port)
    except (KeyboardInterrupt, EOFError):
        pass  # Ctrl-C or the parent went away: the parent reports


def _serve_bursts(conn, host: str, port: int) -> None:
    http_conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Accept": "text/html", "Accept-Encoding": "identity"}
    while True:
        message = conn.recv()
        if message is None:
            break
        path, start_at, end_at = message
        latencies, errors = [], 0
        delay = start_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        last = time.monotonic()
        while last < end_at:
            before = time.monotonic()
            try:
                http_conn.request("GET", path, headers=headers)
                response = http_conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    http_conn.close()
            except (OSError, http.client.HTTPException):
                http_conn.close()
                ok = False
            last = time.monotonic()
            if ok:
                latencies.append(last - before)
            else:
                errors += 1
        conn.send((latencies, errors, last - start_at))
    http_conn.close()


class LoadGenerator:
    def __init__(self, host: str, port: int, concurrency: int):
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        for _ in range(concurrency):
            parent, child = context.Pipe()
            process = context.Process(target=_client, args=(child, host, port), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def burst(self, path: str, seconds: float) -> Burst:
        """All clients request ``path`` as fast as the server answers, for ``seconds``."""
        start_at = time.monotonic() + 0.02
        for pipe in self.pipes:
            pipe.send((path, start_at, start_at + seconds))
        result = Burst()
        for pipe in self.pipes:
            latencies, errors, elapsed = pipe.recv()
            result.latencies += latencies
            result.errors += errors
            result.elapsed = max(result.elapsed, elapsed)
        return result

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(None)
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
