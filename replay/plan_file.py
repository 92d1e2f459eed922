"""The replay plan document: one JSON object with its basis, written and read as a stream.

Layout (valid JSON, one activity per line so it can be streamed both ways):

    {"format": "activity-sync/replay-plan", ..., "basis": {...}, "activities": [
    {"activity_id": ..., "items": [...]},
    ...
    ]}

Anything that rewrites the file as other valid JSON still loads (then as one document).
The header carries the digest of the whole content (replay.plan_digest), computed while
the entries stream out; `replay.sealed_plan` checks it before a plan is applied.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import orjson

from domain.errors import BadInput
from replay.plan_digest import DIGEST_KEY, PlanDigest
from replay.plan_entries import ActivityDiff

FORMAT = "activity-sync/replay-plan"
FORMAT_VERSION = 2  # 2: the header carries the plan's digest
_OPEN = b',"activities":['
_CLOSE = b"]}"


def encode_entry(diff: ActivityDiff) -> bytes:
    """One activity's entry as one line of the plan document, in the digest's canonical form."""
    return orjson.dumps(diff.to_dict(), option=orjson.OPT_SORT_KEYS) + b"\n"


class PlanWriter:
    """Collects activity entries in a side file, then writes header + entries in one go;
    the digest is computed as the entries stream through."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.part = self.path.with_name(self.path.name + ".part")
        self._file: IO[bytes] = self.part.open("wb")
        self._digest = PlanDigest()
        self.count = 0

    def add_lines(self, lines: bytes, count: int) -> None:
        """Entries already encoded by `encode_entry` (`count` of them), in order."""
        self._file.write(lines)
        self._digest.add_lines(lines)
        self.count += count

    def finish(self, header: Mapping[str, Any]) -> dict[str, Any]:
        """Write the document; returns its header as written (format and digest included)."""
        self._file.close()
        whole = {"format": FORMAT, "format_version": FORMAT_VERSION, **header}
        whole[DIGEST_KEY] = self._digest.value(whole)
        final = self.path.with_name(self.path.name + ".tmp")
        with final.open("wb") as out, self.part.open("rb") as entries:
            out.write(orjson.dumps(whole)[:-1])
            out.write(_OPEN + b"\n")
            for n, line in enumerate(entries):
                out.write(line.rstrip(b"\n") + (b",\n" if n < self.count - 1 else b"\n"))
            out.write(_CLOSE + b"\n")
        os.replace(final, self.path)
        self.part.unlink()
        return whole

    def discard(self) -> None:
        self._file.close()
        self.part.unlink(missing_ok=True)


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Everything but the activities; refuses files that are not replay plans (exit 2)."""
    try:
        with Path(path).open("rb") as source:
            first = source.readline().rstrip(b"\n")
    except OSError as error:
        raise BadInput(f"cannot read the plan {path}: {error.strerror}") from None
    header: dict[str, Any]
    if first.endswith(_OPEN):
        header = dict(_loads(first[: -len(_OPEN)] + b"}", path))
    else:
        header = {k: v for k, v in _whole(path).items() if k != "activities"}
    if header.get("format") != FORMAT:
        raise BadInput(f"{path} is not a replay plan (made by `activity-sync replay plan --out`)")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise BadInput(
            f"{path} has plan format version {version}; this version of activity-sync applies "
            f"version {FORMAT_VERSION} only: make a new plan with `activity-sync replay plan`"
        )
    return header


def read_entries(path: str | os.PathLike[str]) -> Iterator[ActivityDiff]:
    """The activity entries, one at a time."""
    for entry in raw_entries(path):
        yield _entry(entry, path)


def raw_entries(path: str | os.PathLike[str]) -> Iterator[Any]:
    """The activity entries as parsed, one at a time (what the digest covers)."""
    with Path(path).open("rb") as source:
        first = source.readline().rstrip(b"\n")
        if not first.endswith(_OPEN):
            yield from _whole(path).get("activities") or []
            return
        for line in source:
            text = line.strip().rstrip(b",")
            if text and text != _CLOSE:
                yield _loads(text, path)


def _entry(data: Any, path: str | os.PathLike[str]) -> ActivityDiff:
    try:
        return ActivityDiff.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadInput(f"{path} holds an activity entry that is not one of a plan") from None


def _whole(path: str | os.PathLike[str]) -> dict[str, Any]:
    document = _loads(Path(path).read_bytes(), path)
    if not isinstance(document, dict):
        raise BadInput(f"{path} is not a replay plan")
    return document


def _loads(data: bytes, path: str | os.PathLike[str]) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BadInput(f"{path} is not valid JSON: {error}") from None
