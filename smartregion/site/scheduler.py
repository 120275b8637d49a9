"""Development scheduler: runs ``manage.py housekeeping`` every few minutes (``make run``).

In production a cron job or systemd timer runs ``manage.py housekeeping`` instead (see docs/operations.md).
"""

import os
import subprocess
import sys
import time

INTERVAL_SECONDS = int(os.environ.get("HOUSEKEEPING_INTERVAL", "300"))


def main() -> None:
    while True:
        subprocess.run([sys.executable, "manage.py", "housekeeping"], check=False)
        time.sleep(INTERVAL_SECONDS)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
