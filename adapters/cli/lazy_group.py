"""A click group that imports a command's module only when that command runs, so that
`activity-sync --help` and every command start without loading what other commands need."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import click


class Lazy(NamedTuple):
    """Where a command lives ("package.module:attribute") and its one-line help, shown by
    the group's `--help` without importing the module."""

    target: str
    help: str


class LazyGroup(click.Group):
    """click's lazy-loading group: a table of name -> Lazy, resolved on first use."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, Lazy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.add_command(resolve(cmd_name, self.lazy_commands[cmd_name]))
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their one-line help, from the table for those not loaded yet."""
        shown = [(name, self._listed(name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in shown if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        rows = [(name, command.get_short_help_str(limit)) for name, command in shown]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _listed(self, name: str) -> click.Command:
        """The loaded command, or a stand-in carrying the table's help (same shortening)."""
        if name in self.commands:
            return self.commands[name]
        return click.Command(name, help=self.lazy_commands[name].help)


def resolve(name: str, lazy: Lazy) -> click.Command:
    """Import the command a table entry names; a wrong entry fails loudly, naming it."""
    module_name, _, attribute = lazy.target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command) or command.name != name:
        raise TypeError(f"the command table's {name!r} names {lazy.target}, not that command")
    return command
