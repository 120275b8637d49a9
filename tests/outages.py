"""Real outages for tests: a database connection pointed at a port where nothing listens."""

from __future__ import annotations

import socket
from contextlib import contextmanager


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def unreachable(connection):
    """``connection`` (a Django database connection) points at a closed port while the block
    runs; afterwards it is closed and reconnects to its database on next use."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
