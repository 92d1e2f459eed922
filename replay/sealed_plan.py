"""Opening a plan to apply it: a private copy, checked against its digest (R19).

A plan file is input, not truth: the admin can edit it, and it can change while it is
applied. `open_plan` copies it into a private folder first, checks the copy's digest,
and everything after reads the copy only, so what was checked is what is carried out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import BadInput
from replay.plan_digest import DIGEST_KEY, PlanDigest
from replay.plan_entries import ActivityDiff
from replay.plan_file import raw_entries, read_entries, read_header


class PlanChanged(BadInput):
    """The plan's content is not what `replay plan` wrote. Exit code 2, nothing appended."""


@dataclass(frozen=True)
class SealedPlan:
    """A private copy of a plan whose digest matched its content."""

    header: dict[str, Any]
    path: Path  # the copy

    @property
    def replay_id(self) -> str:
        return str(self.header["replay_id"])

    def entries(self) -> Iterator[ActivityDiff]:
        return read_entries(self.path)


@contextmanager
def open_plan(path: str | os.PathLike[str]) -> Iterator[SealedPlan]:
    """The plan, copied and checked (PlanChanged when its content was changed)."""
    header = read_header(path)  # a file that is no plan at all says so first
    with tempfile.TemporaryDirectory(prefix="replay-apply-") as folder:
        copy = Path(folder) / "plan.json"
        try:
            shutil.copyfile(path, copy)
        except OSError as error:
            raise BadInput(f"cannot read the plan {path}: {error.strerror}") from None
        header = read_header(copy)
        require_digest(header, copy, shown=str(path))
        yield SealedPlan(header, copy)


def require_digest(header: dict[str, Any], path: Path, shown: str) -> None:
    digest = PlanDigest()
    for entry in raw_entries(path):
        digest.add_entry(entry)
    if header.get(DIGEST_KEY) != digest.value(header):
        raise PlanChanged(
            f"{shown} was changed after it was made, so it is not applied: narrow a plan "
            "with --only, --skip and --force instead of editing it, or make a new one"
        )
