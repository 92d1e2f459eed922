"""`stats` in words, its "why wasn't it logged" part: outcomes, candidates, reps in a table.

The senders table fits the terminal (80 columns when piped): it drops the Events column
first, then shortens the titles, then folds long addresses onto more lines; an address is
never cut short.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

SHOWN_SENDERS = 20
SENDER_MIN = 16  # narrower, an address folds onto more lines than it is worth
NUMBERS = (
    ("activities", "Activities"),
    ("tasks", "Tasks"),
    ("events", "Events"),
    ("unmatched", "Unmatched"),
    ("failures", "Failed"),
)
WITHOUT_EVENTS = tuple(c for c in NUMBERS if c[0] != "events")
SHORT = (("activities", "Acts"), ("tasks", "Tasks"), ("unmatched", "Unm."), ("failures", "Fail"))
LAYOUTS = (NUMBERS, WITHOUT_EVENTS, SHORT)
LOGGED = ("contact", "lead")


def print_recipients(out: Console, doc: dict[str, Any]) -> None:
    """Recipients by outcome, the unmatched candidates, and the senders table."""
    counts = doc.get("recipients") or {}
    logged = {o: n for o, n in counts.items() if o in LOGGED}
    missed = {o: n for o, n in counts.items() if o not in LOGGED}
    _say(out, f"Recipients: {sum(logged.values())} logged ({_listed(logged)}),")
    _say(out, f"  {sum(missed.values())} not logged ({_listed(missed)})")
    _candidates(out, doc)
    _senders(out, doc.get("senders") or [])


def _say(out: Console, text: str) -> None:
    """A line wrapped (and a long address folded) at the terminal's width."""
    out.print(text, soft_wrap=False, overflow="fold")


def _listed(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {escape(o)}" for o, n in counts.items())


def _candidates(out: Console, doc: dict[str, Any]) -> None:
    addresses, domains = doc.get("top_unmatched_addresses"), doc.get("top_unmatched_domains")
    if not addresses:
        return
    _say(out, "Candidates for new Contacts or Leads (unmatched, most seen first):")
    _say(out, "  domains: " + ", ".join(f"{escape(d['domain'])} {d['count']}" for d in domains))
    for u in addresses:
        _say(out, f"  {escape(u['address'])} · {u['count']}x, last {u['last_seen'] or 'unknown'}")
    _say(out, "  All of them: activity-sync export unmatched --csv unmatched.csv")


def _senders(out: Console, senders: list[dict[str, Any]]) -> None:
    if not senders:
        return
    shown = senders[:SHOWN_SENDERS]
    out.print(_table_that_fits(out, shown))
    if len(senders) > len(shown):
        out.print(f"… and {len(senders) - len(shown)} more senders (stats --json)")


def _table_that_fits(out: Console, senders: list[dict[str, Any]]) -> Table:
    """The first layout whose addresses fit whole: every column, without Events, with short
    titles; past that the last one with its addresses folded (never cut)."""
    unbounded = out.options.update(max_width=10_000)
    for columns in LAYOUTS:
        table = _table(senders, columns)
        if out.measure(table, options=unbounded).maximum <= out.width:
            return table
    return table


def _table(senders: list[dict[str, Any]], columns: tuple[tuple[str, str], ...]) -> Table:
    table = Table(
        title="Senders", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    table.add_column("Sender", overflow="fold", min_width=SENDER_MIN)
    for _, title in columns:
        table.add_column(title, justify="right", no_wrap=True)
    for s in senders:
        table.add_row(escape(s["sender"]), *(str(s[key]) for key, _ in columns))
    return table
