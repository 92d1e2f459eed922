"""The "open in Salesforce" links of an explain document: a `url` beside each record id.

Added after the document is built, because the instance is configuration, not history:
`url` beside `id`/`salesforce_id` (a recipient's: its Contact or Lead), `account_url` beside
`account_id`, `who_url`/`what_url` beside `who_id`/`what_id`, `sender_user_url` beside
`sender_user_id`, `by_url` beside an org change's `by` (the User who made it). Without an
instance URL, or for an id of an unknown object, the key is left out (docs/audit.md, Links).
"""

from __future__ import annotations

from typing import Any

from domain.record_links import record_url


def with_links(document: dict[str, Any], instance_url: str | None) -> dict[str, Any]:
    """The document with its records' links (changed in place, and returned)."""
    if not instance_url:
        return document
    related = document.get("activity", {}).get("related_to") or {}
    custom = {related.get("id"): related.get("object")} if related.get("id") else {}

    def link(entry: dict[str, Any], id_key: str, url_key: str, sobject: str | None = None) -> None:
        record_id = entry.get(id_key)
        url = record_url(instance_url, record_id, sobject or custom.get(record_id))
        if url is not None:
            entry[url_key] = url

    link(document.get("activity") or {}, "sender_user_id", "sender_user_url")
    for recipient in document.get("recipients") or ():
        link(recipient, "contact_id" if recipient.get("contact_id") else "lead_id", "url")
        link(recipient, "account_id", "account_url")
    for task in document.get("tasks") or ():
        link(task, "salesforce_id", "url", task.get("sobject"))
        for person in [*(task.get("members") or ()), task.get("primary") or {}]:
            link(person, "id", "url")
            link(person, "account_id", "account_url")
        link(task.get("what") or {}, "id", "url")
        link(task.get("what") or {}, "account_id", "account_url")
        for opportunity in task.get("opportunities_considered") or ():
            link(opportunity, "id", "url", "Opportunity")
        for change in task.get("org_changes") or ():
            link(change, "by", "by_url", "User")
    for sibling in document.get("siblings") or ():
        link(sibling, "salesforce_id", "url", sibling.get("sobject"))
        link(sibling, "who_id", "who_url")
        link(sibling, "what_id", "what_url")
    return document
