"""What a Task is related to (R10a-d): the primary's Opportunities, else its Account, else nothing."""

from __future__ import annotations

from dataclasses import dataclass

from domain.addresses import normalise
from domain.model import Directory, OpportunityFact, Recipient
from domain.settings import Settings


@dataclass(frozen=True)
class Relation:
    """The related records for one primary: one Task per target, and what was considered."""

    targets: tuple[tuple[str | None, str], ...]  # (what_id, rule), never empty
    considered: tuple[str, ...]  # candidate opportunity ids before filtering, sorted


def relate(
    primary: Recipient, directory: Directory, settings: Settings, owner: str | None
) -> Relation:
    """R10 for a Contact: every kept Opportunity (sorted by id), else R10c Account, else R10d.

    `owner` is the sender's User id (`owner_of`), for `owned_opportunities_only`.
    """
    candidates, rule = _candidates(primary, directory, settings)
    considered = tuple(sorted(candidates))
    kept = [o for o in considered if _keep(candidates[o], settings, owner)]
    if kept:
        return Relation(tuple((o, rule) for o in kept), considered)
    if primary.account_id:
        return Relation(((primary.account_id, "R10c"),), considered)
    return Relation(((None, "R10d"),), considered)


def owner_of(directory: Directory, sender: str) -> str | None:
    """The sender's User id, when the directory knows the sender."""
    return directory.users_by_email.get(normalise(sender))


def _candidates(
    primary: Recipient, directory: Directory, settings: Settings
) -> tuple[dict[str, OpportunityFact], str]:
    if settings.opportunity_mode == "contact_role":
        found = directory.roles_by_contact.get(primary.contact_id or "", ())
        return {o.id: o for o in found}, "R10b"
    found = directory.opportunities_by_account.get(primary.account_id or "", ())
    return {o.id: o for o in found}, "R10a"


def _keep(opportunity: OpportunityFact, settings: Settings, owner: str | None) -> bool:
    if opportunity.is_closed and not settings.include_closed_opportunities:
        return False
    return not settings.owned_opportunities_only or (
        owner is not None and opportunity.owner_id == owner
    )
