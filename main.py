"""Rackbook's entry point: with no command it opens the window; commands run headless.

Start-up matters (docs/traps.md): this module imports nothing heavy, so a headless command
never loads Qt and the window can show itself before the database and spreadsheet libraries
are imported.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None, *, leaving: bool = False) -> int:
    """Open the window (no command) or run one headless command; its exit status.
    ``leaving``: the process ends with the command (``entry``), at once (``leave``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    import cli

    parser = cli.build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    if args.command is None:
        from ui.app import run_window

        return int(run_window(args))
    status = cli.run(argv, whole_process=True)
    if leaving:
        leave(status)
    return status


def entry() -> None:
    """The ``rackbook`` command and ``python main.py``."""
    sys.exit(main(leaving=True))


def leave(status: int) -> None:
    """End a headless command's process at once, once its output is out: flushed, the
    exit handlers run (logs closed, temporary files removed), then ``os._exit``. A normal
    exit would first tear the interpreter down, freeing every module and object one by one
    (measured: 0.3-0.4 s after a PostgreSQL command, 0.8 s after a 100,000-line import),
    memory the operating system takes back anyway. The command has closed its database."""
    import atexit
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream: nothing more can be said there.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(status)


if __name__ == "__main__":
    entry()
