"""Rackbook's entry point: with no command it opens the window; commands run headless.

Start-up matters (docs/traps.md): this module imports nothing heavy, so a headless command
never loads Qt and the window can show itself before the database and spreadsheet libraries
are imported.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
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
    return cli.run(argv, whole_process=True)


if __name__ == "__main__":
    sys.exit(main())
