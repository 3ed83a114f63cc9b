"""Every command the command line's parser accepts has its handler, and no handler is orphaned."""

from __future__ import annotations

import argparse

import cli


def test_every_parsed_command_has_a_handler():
    parser = cli.build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    handled = set(cli.COMMANDS) | set(cli._figure_commands())
    assert set(commands.choices) == handled
