"""Names and links for rows that carry record ids (the failures list, the console's pages).

A row's `salesforce_id` gets `url`; its `who_id` and `what_id` get `who_name`/`who_url` and
`what_name`/`what_url`. Names come from the names index (`record_names`), links from the
configured instance (`domain.record_links`); a link that cannot be made is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from adapters.views.record_names import names_of
from domain.record_links import record_url

LABELLED = ("who", "what")


def labelled(
    engine: Engine, rows: Sequence[dict[str, Any]], instance_url: str | None
) -> list[dict[str, Any]]:
    """The rows with the names and links of their records (new dicts)."""
    names = names_of(engine, [row.get(f"{k}_id") for row in rows for k in LABELLED])
    return [_labelled(row, names, instance_url) for row in rows]


def _labelled(row: dict[str, Any], names: dict[str, str], instance: str | None) -> dict[str, Any]:
    done = dict(row)
    links = {"url": record_url(instance, row.get("salesforce_id"), row.get("sobject"))}
    for kind in LABELLED:
        record_id = row.get(f"{kind}_id")
        done[f"{kind}_name"] = names.get(record_id) if record_id else None
        links[f"{kind}_url"] = record_url(instance, record_id)
    done.update({key: url for key, url in links.items() if url})
    return done
