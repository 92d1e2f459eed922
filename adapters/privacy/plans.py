"""Replay plans kept beside the store (the console's `--plans-dir` inside the store's folder)
that name a forgotten person are deleted: a plan is evidence and cannot be redacted (R19)."""

from __future__ import annotations

from pathlib import Path

PLAN_GLOBS = ("replay-*.json", "making-*.json")


def drop_plans(folder: Path, address: str) -> list[str]:
    """Delete the plan files under `folder` (two levels deep) naming `address`; their names."""
    needle = address.encode()
    dropped = []
    for depth in ("", "*/"):
        for pattern in PLAN_GLOBS:
            for path in folder.glob(depth + pattern):
                if path.is_file() and needle in path.read_bytes().lower():
                    path.unlink()
                    dropped.append(path.name)
    return sorted(dropped)
