"""The list of the CLI's commands; each lives in its own module under adapters/cli/."""

from __future__ import annotations

import click

ALL: list[click.Command] = []

from adapters.cli.sync import sync  # noqa: E402

ALL.append(sync)

from adapters.cli.ingest import ingest, rejected  # noqa: E402
from adapters.cli.settings import settings  # noqa: E402

ALL.extend([ingest, rejected, settings])

from adapters.cli.timeline import timeline  # noqa: E402

ALL.append(timeline)

from adapters.cli.audit import explain_command, stats_command, views_group  # noqa: E402

ALL.extend([explain_command, stats_command, views_group])

from adapters.cli.org import org  # noqa: E402

ALL.append(org)

from adapters.cli.replay import replay  # noqa: E402

ALL.append(replay)

from adapters.cli.demo import demo  # noqa: E402

ALL.append(demo)

from adapters.cli.doctor import doctor  # noqa: E402

ALL.append(doctor)

from adapters.cli.serve import serve  # noqa: E402

ALL.append(serve)

from adapters.cli.rules import rules  # noqa: E402

ALL.append(rules)

from adapters.cli.drift import drift  # noqa: E402

ALL.append(drift)

from adapters.cli.retry import retry  # noqa: E402

ALL.append(retry)

from adapters.cli.forget import forget_command, unforget_command  # noqa: E402

ALL.extend([forget_command, unforget_command])
