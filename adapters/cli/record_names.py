"""How the human outputs show a record: `Name (Id)`, the Id whole, a link where the terminal
takes one (rich markup; plain text elsewhere)."""

from __future__ import annotations

from rich.markup import escape


def named(name: str | None, record_id: str | None, empty: str = "(empty)") -> str:
    """`Acme (001...)`, or the id alone when no name was read; never cut."""
    if not record_id:
        return empty
    return f"{escape(name)} ({record_id})" if name else record_id


def person(name: str | None, address: str | None) -> str:
    """`Ann Archer <ann@acme.example>`, or the address alone."""
    shown = escape(str(address))
    return f"{escape(name)} <{shown}>" if name else shown


def linked(text: str, url: str | None) -> str:
    """The text as a terminal hyperlink to `url` (shown as is where links are not supported)."""
    return f"[link={escape(url)}]{text}[/link]" if url else text
