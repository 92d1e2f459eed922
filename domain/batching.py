"""Shared Tasks (R7, R8, R10e): matched Contacts cut into batches, each led by its primary."""

from __future__ import annotations

from collections.abc import Sequence

from domain.model import Recipient

Batch = tuple[Recipient, ...]


def form_batches(contacts: Sequence[Recipient], size: int, split_by_account: bool) -> list[Batch]:
    """R7: consecutive batches of at most `size`, in recipient order; the first is the primary (R8).

    With `split_by_account` the contacts are first grouped by Account (groups in order of
    first appearance, contacts without an Account forming one group) and each group is cut
    on its own, so every batch holds one Account only.
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    groups = group_by_account(contacts) if split_by_account else [list(contacts)]
    return [tuple(group[i : i + size]) for group in groups for i in range(0, len(group), size)]


def group_by_account(contacts: Sequence[Recipient]) -> list[list[Recipient]]:
    groups: dict[str | None, list[Recipient]] = {}
    for contact in contacts:
        groups.setdefault(contact.account_id, []).append(contact)
    return list(groups.values())


def mixed_accounts_warning(batch: Batch) -> str | None:
    """R10e: `mixed_accounts:<acc>,...` naming the batch's Accounts other than the primary's."""
    primary_account = batch[0].account_id
    others = dict.fromkeys(
        c.account_id for c in batch[1:] if c.account_id and c.account_id != primary_account
    )
    return "mixed_accounts:" + ",".join(others) if others else None
