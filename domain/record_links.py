"""Where an admin opens a record in Salesforce: `<instance>/lightning/r/<Object>/<Id>/view`.

The object comes from the id's three-character key prefix (the standard objects the
engine reads and writes), or from the caller when it knows better (a custom object named
by an activity's `related_to`). A real org's API host (`x.my.salesforce.com`) becomes its
Lightning host (`x.lightning.force.com`); any other instance URL (the local org, a
proxy) is kept as given. Without an instance URL, or for an id of an unknown object,
there is no link: None, never a guess. Pure.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

OBJECTS_BY_PREFIX = {
    "001": "Account",
    "003": "Contact",
    "005": "User",
    "006": "Opportunity",
    "00Q": "Lead",
    "00T": "Task",
    "00U": "Event",
}
_API_SUFFIX = ".my.salesforce.com"
_LIGHTNING_SUFFIX = ".lightning.force.com"


def object_of(record_id: str | None) -> str | None:
    """The standard object an id belongs to, by its key prefix (None when not known)."""
    if not record_id or len(record_id) not in (15, 18) or not record_id.isalnum():
        return None
    return OBJECTS_BY_PREFIX.get(record_id[:3])


def lightning_base(instance_url: str | None) -> str | None:
    """The origin records open at: a My Domain API host becomes its Lightning host."""
    if not instance_url or not instance_url.strip():
        return None
    parts = urlsplit(instance_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc
    if parts.hostname.lower().endswith(_API_SUFFIX):
        host = parts.hostname[: -len(_API_SUFFIX)] + _LIGHTNING_SUFFIX
        host += f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}"


def record_url(
    instance_url: str | None, record_id: str | None, sobject: str | None = None
) -> str | None:
    """The record's Lightning page, or None without an instance or a known object."""
    base = lightning_base(instance_url)
    kind = sobject or object_of(record_id)
    if base is None or kind is None or not record_id or not record_id.isalnum():
        return None
    return f"{base}/lightning/r/{quote(kind, safe='')}/{quote(record_id, safe='')}/view"
