"""Column settings for tables at any terminal width: ids stay whole, prose wraps at words."""

from __future__ import annotations

from rich.table import Table

# A Salesforce id is 15 or 18 characters; the engine prints the 18-character form.
ID_WIDTH = 18
# Below this many columns, a table keeps its ids and drops the columns that matter least.
NARROW = 80


def id_column(table: Table, header: str, width: int = ID_WIDTH) -> None:
    """A column of ids (Salesforce ids, activity ids, sync keys): never wrapped, never cut."""
    table.add_column(header, no_wrap=True, min_width=width, overflow="ignore")


def prose_column(table: Table, header: str, **options: object) -> None:
    """A column of words: wrapped at spaces; only a word wider than the column is folded."""
    table.add_column(header, overflow="fold", **options)  # type: ignore[arg-type]


def is_narrow(width: int, below: int = NARROW) -> bool:
    """Whether a table this wide should drop the columns that matter least."""
    return width < below


def shared_widths(space: int, needs: list[int], minimums: list[int]) -> list[int]:
    """Widths for prose columns sharing `space`: what each needs when all fit, else each
    its minimum plus a share of the rest in proportion to what it still wants."""
    if sum(needs) <= space:
        return needs
    floors = [min(m, n) for m, n in zip(minimums, needs, strict=True)]
    spare = max(space - sum(floors), 0)
    wants = [n - f for n, f in zip(needs, floors, strict=True)]
    total = sum(wants) or 1
    widths = [f + spare * w // total for f, w in zip(floors, wants, strict=True)]
    for i in range(len(widths)):  # what rounding left over, to those still short
        extra = min(needs[i] - widths[i], space - sum(widths))
        widths[i] += max(extra, 0)
    return widths


def table_space(width: int, fixed: list[int], columns: int) -> int:
    """What is left for the prose columns' text in a boxed table `width` wide: each
    column takes a border and a space on each side, plus one closing border."""
    return width - (3 * columns + 1) - sum(fixed)
