"""A real SMTP server on 127.0.0.1 that accepts every message and counts it (aiosmtpd).

Run as its own process so that its work does not count against the sender:

    python -m bench.support.smtp_sink      # prints "READY <port>", then serves

It answers on stdin: each line "count" is answered with one JSON line
{"messages": …, "recipients": …, "one_click": …, "bytes": …}; end of input stops it.
"""

import json
import re
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = self.recipients = self.one_click = self.bytes = 0
        self.addresses: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content or b""
        headers = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
        with self.lock:
            self.messages += 1
            self.recipients += len(envelope.rcpt_tos)
            self.addresses.update(envelope.rcpt_tos)
            self.bytes += len(data)
            # Both RFC 8058 headers, the URL readable (not RFC 2047-encoded by line folding).
            if (
                b"\nList-Unsubscribe: <https://" in headers
                and b"\nList-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers
            ):
                self.one_click += 1
        return "250 Message accepted"

    def stats(self) -> dict:
        with self.lock:
            return {
                "messages": self.messages,
                "recipients": self.recipients,
                "distinct_recipients": len(self.addresses),
                "one_click": self.one_click,
                "bytes": self.bytes,
            }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "count":
                print(json.dumps(handler.stats()), flush=True)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
