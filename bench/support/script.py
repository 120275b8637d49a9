"""How every benchmark runs as a script."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn


def run(main: Callable[[list[str]], int], *failures: type[Exception]) -> NoReturn:
    """Exit with ``main(argv)``'s code; Ctrl-C exits 130 with a line instead of a traceback, and
    each of ``failures`` (errors the benchmark expects, such as a stack that did not start) exits
    1 with its message."""
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
    except failures as error:
        print(f"bench/{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        sys.exit(1)
