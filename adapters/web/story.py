"""The explain document (R21) as timeline entries a person reads top to bottom."""

from __future__ import annotations

from typing import Any

from projections.explain.writes import grouped_relations


def timeline(task: dict[str, Any]) -> list[dict[str, str]]:
    """Planned, written, related, refused, retried, replayed, deleted, changed in the org (R27):
    in the order they happened."""
    formed = task["formed"]
    by = f" by replay {formed['replay_id']}" if formed["replay_id"] else ""
    entries = [
        _entry(
            formed["at"],
            "planned",
            f"Planned{by} under settings version {formed['settings_version']}.",
        )
    ]
    for write in grouped_relations(task["writes"]):
        if write["kind"] != "related":
            entries.append(_write(write))
            continue
        count = write["count"]
        entries.append(
            _entry(
                write["at"],
                "related",
                f"{count} more {_people(count)} related to {write['salesforce_id']} in the "
                "same call (TaskWhoIds).",
            )
        )
    entries += [_replay(r) for r in task["replays"]]
    entries += [
        _entry(c["at"] or "", "org_change", c["explanation"]) for c in task.get("org_changes", ())
    ]
    return sorted(entries, key=lambda e: (e["at"], _ORDER.get(e["kind"], 9)))


_ORDER = {"planned": 0, "written": 1, "related": 2}


def _people(n: int) -> str:
    return "person" if n == 1 else "people"


def _entry(at: str, kind: str, text: str) -> dict[str, str]:
    return {"at": at, "kind": kind, "text": text}


def _write(write: dict[str, Any]) -> dict[str, str]:
    kind = write["kind"]
    attempt = f" (attempt {write['attempt']})" if write.get("attempt") else ""
    if kind == "written":
        text = f"Written to the org as {write['salesforce_id']}{attempt}."
    elif kind == "refused":
        passing = " It will be tried again." if write.get("retryable") else ""
        text = f"Refused by the org{attempt}: {write['code']}: {write['message']}.{passing}"
    elif kind == "retry_requested":
        text = f"Retry requested{_detail(write)}."
    elif kind == "deleted":
        text = f"Deleted from the org ({write['salesforce_id']}){_detail(write)}."
    else:
        text = f"{kind}{_detail(write)}."
    return _entry(write["at"], kind, text)


def _detail(write: dict[str, Any]) -> str:
    return f" · {write['detail']}" if write.get("detail") else ""


def _replay(replay: dict[str, Any]) -> dict[str, str]:
    who = f"Replay {replay['replay_id']}" if replay["replay_id"] else "Re-planning"
    why = f" ({replay['reason']})" if replay["reason"] else ""
    what = "formed this record" if replay["kind"] == "formed" else "retired this record"
    return _entry(replay["at"], "replay", f"{who} {what}{why}.")
