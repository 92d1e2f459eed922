"""The CLI's command table: every line names a real command with its own help, and the root
`--help` lists the same commands with the same one-line help as an eagerly built group
(SPEC section 4: every command keeps its name, flags and behaviour)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from adapters.cli.commands import COMMANDS
from adapters.cli.lazy_group import Lazy, LazyGroup, resolve
from adapters.cli.main import cli


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n")[0].split())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_table_line_names_that_command_and_carries_its_help(name: str) -> None:
    command = resolve(name, COMMANDS[name])
    assert command.name == name
    assert _first_paragraph(command.help or "") == COMMANDS[name].help


def _help_of_every_command(group: click.Group, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every command path below `group` (loading the lazy ones as a user's call would)."""
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += _help_of_every_command(command, (*path, name))
    return found


def test_every_command_and_subcommand_answers_help() -> None:
    paths = _help_of_every_command(cli, ())
    assert {"org", "serve"} <= {p for path in paths for p in path}
    for path in paths:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Usage: "), path


def test_the_root_help_lists_every_command_as_an_eager_group_would() -> None:
    lazy_help = CliRunner().invoke(cli, ["--help"], terminal_width=80).output
    eager = click.Group(name=cli.name, params=cli.params, help=cli.help)
    for name, line in COMMANDS.items():
        eager.add_command(resolve(name, line))
    eager.context_settings = cli.context_settings
    eager_help = CliRunner().invoke(eager, ["--help"], terminal_width=80).output
    assert lazy_help == eager_help
    assert all(f"  {name} " in lazy_help for name in COMMANDS)


def test_a_table_line_naming_the_wrong_command_fails_loudly() -> None:
    with pytest.raises(TypeError, match="'stats' names adapters.cli.audit:explain_command"):
        resolve("stats", Lazy("adapters.cli.audit:explain_command", "x"))
    with pytest.raises(AttributeError):
        resolve("stats", Lazy("adapters.cli.audit:no_such_command", "x"))


def test_an_unknown_command_is_bad_usage() -> None:
    group = LazyGroup(name="g", lazy_commands=COMMANDS)
    result = CliRunner().invoke(group, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output
