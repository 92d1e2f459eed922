"""Hypothesis strategies for planner inputs whose expected outcomes are known by construction.

A `Scenario` is an activity, the directory facts and settings to plan it with, and the
ground truth of every address on it (`people`): which category the generator built it to
be (a Contact, a Lead, an unmatched, invalid or excluded address...) and, for matched
people, who should win. Tests compute what the planner should do from that truth alone.

Address spaces are kept disjoint so a category never collides with another rule: normal
people live under `*.example` domains of NORMAL_DOMAINS, internal and excluded addresses
under their own pools, system senders on per-person subdomains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from hypothesis import strategies as st

from domain.model import (
    ACTIVITY_TYPES,
    Activity,
    ContactFact,
    Directory,
    LeadFact,
    OpportunityFact,
    RelatedRecord,
)
from domain.settings import BUILTIN_SYSTEM_SENDERS, Settings

SENDER = "rep@ours.example"
SENDER_USER = "005R000000000001"
OTHER_USER = "005R000000000002"
INTERNAL_DOMAINS = ("ours.example", "corp.example")
EXCLUDED_DOMAINS = ("blocked.example", "spam.example")
NORMAL_DOMAINS = ("alpha.example", "eu.alpha.example", "beta.example", "gamma.example")
INVALID_FORMS = (
    "{p}",
    "{p}@",
    "@{d}",
    "{p}@@{d}",
    "{p} x@{d}",
    "{p}@nodot",
    "{p}@{d}..x",
    "{p} <{p}@{d}",
)
CATEGORIES = (
    "contact",
    "contact",
    "contact",
    "contact_no_account",
    "ambiguous_contact",
    "contact_and_lead",
    "lead",
    "ambiguous_lead",
    "unmatched",
    "invalid",
    "excluded_domain",
    "excluded_address",
    "internal",
    "system",
    "sender",
)
# (stamp of the first fact, stamp of the second, winner index or None for a tie on the instant)
STAMP_CASES = (
    ("2024-06-01T08:00:00Z", "2024-06-01T09:00:00+02:00", 0),  # 08:00Z beats 07:00Z
    ("2024-06-01T06:00:00Z", "2024-06-01T09:00:00+02:00", 1),
    ("2024-06-01T07:00:00Z", "2024-06-01T09:00:00+02:00", None),  # the same instant
    ("", "2020-01-01T00:00:00Z", 1),  # an unreadable stamp loses
)
T = TypeVar("T")


@dataclass(frozen=True)
class Person:
    """The truth about one distinct address: what it should resolve to."""

    address: str  # canonical (lower-case, trimmed)
    expect: str  # contact | lead | unmatched | invalid | excluded
    person_id: str | None = None  # the winning Contact or Lead id
    account_id: str | None = None
    rule: str | None = None  # the reason's rule: sender, exclusion_list, internal_domain, ...


@dataclass(frozen=True)
class Scenario:
    activity: Activity
    directory: Directory
    settings: Settings
    people: dict[str, Person] = field(default_factory=dict)  # canonical address -> truth

    def truth(self, given: str) -> Person:
        return self.people[given.strip().lower()]


class Dice:
    """Decodes one drawn integer into several choices, so a person or account costs one draw.

    Hypothesis shrinks integers towards 0, which picks the first option of every choice:
    the simplest person (a plain Contact), the simplest account (no Opportunities).
    """

    def __init__(self, value: int) -> None:
        self.value = value

    def pick(self, options: Sequence[T]) -> T:
        self.value, index = divmod(self.value, len(options))
        return options[index]


@st.composite
def opportunities(draw: st.DrawFn, account_count: int) -> dict[str, tuple[OpportunityFact, ...]]:
    """0-4 Opportunities per Account, open or closed, owned by the sender's User, another or none."""
    result: dict[str, tuple[OpportunityFact, ...]] = {}
    data = draw(st.binary(min_size=8 * account_count, max_size=8 * account_count))
    for a, value in enumerate(_chunks(data, 8)):
        dice = Dice(value)
        account = f"001A{a:012d}"
        count = dice.pick((0, 1, 2, 3, 4, 2, 3))
        result[account] = tuple(
            OpportunityFact(
                id=f"006O{a:06d}{dice.pick(range(10))}{o}",
                account_id=account,
                owner_id=dice.pick((SENDER_USER, OTHER_USER, None)),
                is_closed=dice.pick((False, True)),
            )
            for o in range(count)
        )
    return result


@st.composite
def settings_values(draw: st.DrawFn) -> Settings:
    """Every planner-relevant setting; internal and excluded domains from their own pools."""
    return Settings(
        shared_activities=draw(st.sampled_from(("auto", "on", "off"))),
        org_shared_activities=draw(st.sampled_from((True, False, None))),
        opportunity_mode=draw(st.sampled_from(("account", "contact_role"))),
        include_closed_opportunities=draw(st.sampled_from((False, False, True))),
        owned_opportunities_only=draw(st.sampled_from((False, False, True))),
        batch_size=draw(st.one_of(st.integers(1, 5), st.integers(1, 50))),
        split_by_account=draw(st.booleans()),
        include_bcc=draw(st.booleans()),
        internal_domains=tuple(
            draw(st.lists(st.sampled_from(INTERNAL_DOMAINS), min_size=1, unique=True))
        ),
        excluded=tuple(draw(st.lists(st.sampled_from(EXCLUDED_DOMAINS), min_size=1, unique=True))),
        system_senders=draw(st.sampled_from(((), ("robot",)))),
    )


@st.composite
def scenarios(
    draw: st.DrawFn, types: tuple[str, ...] = ACTIVITY_TYPES, max_slots: int = 300
) -> Scenario:
    """An activity of 0..max_slots addresses (duplicates, mixed case, every category) and its world."""
    settings = draw(settings_values())
    accounts = draw(opportunities(draw(st.one_of(st.integers(0, 6), st.integers(2, 6)))))
    all_opps = [o for opps in accounts.values() for o in opps]
    builder = _World(settings, sorted(accounts), all_opps)
    people = draw(st.one_of(st.integers(0, 150), st.integers(10, 150), st.just(150)))
    for index, value in enumerate(
        _chunks(draw(st.binary(min_size=8 * people, max_size=8 * people)), 8)
    ):
        builder.add(Dice(value), index)
    sizes = st.one_of(st.integers(0, 12), st.integers(0, max_slots), st.just(max_slots))
    count = draw(sizes) if builder.given else 0
    codes = _chunks(draw(st.binary(min_size=3 * count, max_size=3 * count)), 3)
    slots = [_slot(code % (len(builder.given) * 16)) for code in codes]
    to, cc, bcc = (
        [_variant(builder.given[i], shape) for i, where, shape in slots if where == w]
        for w in range(3)
    )
    kind = draw(st.sampled_from(types))
    actor = builder.given[draw(st.integers(0, len(builder.given) - 1))] if builder.given else None
    related = draw(
        st.sampled_from((None, None, None, None, RelatedRecord("Project__c", "a01P0000001")))
    )
    activity = Activity(
        id=draw(st.sampled_from(("msg-1", "msg-2@mail.example#sent"))),
        type=kind,
        occurred_at="2024-05-01T10:00:00+02:00",
        sender=draw(st.sampled_from((SENDER, "Rep@Ours.Example"))),
        to=tuple(to),
        cc=tuple(cc),
        bcc=tuple(bcc),
        actor=actor if kind in ("reply", "open", "click", "download", "bounce") else None,
        subject="Plan",
        related_to=related,
        starts_at="2024-05-02T09:00:00Z" if kind == "meeting" else None,
        ends_at="2024-05-02T10:00:00Z" if kind == "meeting" else None,
    )
    users = {SENDER: SENDER_USER} if draw(st.booleans()) else {}
    directory = Directory(
        contacts_by_email=builder.contacts,
        leads_by_email=builder.leads,
        opportunities_by_account=accounts,
        roles_by_contact=builder.roles,
        users_by_email=users,
    )
    settings = replace(settings, excluded=settings.excluded + tuple(builder.excluded_addresses))
    return Scenario(activity, directory, settings, builder.people)


def _chunks(data: bytes, size: int) -> list[int]:
    """Many choices from one drawn byte string (one draw for a whole list keeps generation fast)."""
    return [int.from_bytes(data[i : i + size], "big") for i in range(0, len(data), size)]


def _slot(code: int) -> tuple[int, int, int]:
    """(person index, list: 0 To / 1 Cc / 2 Bcc, shape of the written address) from one code."""
    person, rest = divmod(code, 16)
    return person, (0, 0, 1, 2)[rest % 4], rest // 4


def _variant(address: str, shape: int) -> str:
    """The same address as a person might type it: as is, upper case, swapped case, padded."""
    return (address, address.upper(), address.swapcase(), f"  {address}\t")[shape]


class _World:
    """Accumulates directory facts and ground truth, one person at a time."""

    def __init__(
        self, settings: Settings, accounts: list[str], opps: list[OpportunityFact]
    ) -> None:
        self.settings = settings
        self.accounts = accounts
        self.opps = opps
        self.given: list[str] = []
        self.people: dict[str, Person] = {}
        self.contacts: dict[str, tuple[ContactFact, ...]] = {}
        self.leads: dict[str, tuple[LeadFact, ...]] = {}
        self.roles: dict[str, tuple[OpportunityFact, ...]] = {}
        self.excluded_addresses: list[str] = []

    def add(self, dice: Dice, index: int) -> None:
        category = dice.pick(CATEGORIES)
        local, domain = f"p{index}", dice.pick(NORMAL_DOMAINS)
        address = f"{local}@{domain}"
        if category == "sender":
            self._truth(SENDER, "excluded", rule="sender")
        elif category == "invalid":
            form = dice.pick(INVALID_FORMS)
            self._truth(form.format(p=local, d=domain), "invalid", rule="invalid")
        elif category == "excluded_domain":
            sub = dice.pick(("", "mx."))
            excluded = dice.pick(self.settings.excluded)
            self._truth(f"{local}@{sub}{excluded}", "excluded", rule="exclusion_list")
        elif category == "excluded_address":
            self.excluded_addresses.append(address)
            self._contact(dice, address, index, expect="excluded", rule="exclusion_list")
        elif category == "internal":
            sub = dice.pick(("", "mail."))
            internal = dice.pick(self.settings.internal_domains)
            self._truth(f"{local}@{sub}{internal}", "excluded", rule="internal_domain")
        elif category == "system":
            name = dice.pick(BUILTIN_SYSTEM_SENDERS + self.settings.system_senders)
            tag = dice.pick(("", "+alerts"))
            system = f"{name}{tag}@{local}.{domain}"
            self._contact(dice, system, index, expect="excluded", rule="system_sender")
        elif category == "unmatched":
            self._truth(address, "unmatched", rule="no_contact_or_lead")
        elif category in ("lead", "ambiguous_lead"):
            self._lead(dice, address, index, ambiguous=category == "ambiguous_lead")
        else:
            if category == "contact_and_lead":
                self._lead(dice, address, index, ambiguous=False)
            self._contact(
                dice,
                address,
                index,
                ambiguous=category == "ambiguous_contact",
                no_account=category == "contact_no_account",
            )

    def _truth(
        self,
        address: str,
        expect: str,
        person_id: str | None = None,
        account: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.given.append(address)
        canonical = address.strip().lower()
        self.people[canonical] = Person(canonical, expect, person_id, account, rule)

    def _contact(
        self,
        dice: Dice,
        address: str,
        index: int,
        expect: str = "contact",
        ambiguous: bool = False,
        no_account: bool = False,
        rule: str | None = None,
    ) -> None:
        options = [None] if no_account or not self.accounts else [*self.accounts, None]
        facts: list[ContactFact] = []
        for suffix in ("a", "b") if ambiguous else ("a",):
            contact_id = f"003C{index:08d}{dice.pick(('x', 'y'))}{suffix}"
            account = dice.pick(options)
            facts.append(ContactFact(contact_id, address, account, "2024-01-01T00:00:00Z"))
            roles = [dice.pick(self.opps) for _ in range(dice.pick(range(4)))] if self.opps else []
            if roles:
                self.roles[contact_id] = tuple(roles)
        winner = self._rank(dice, facts) if ambiguous else facts[0]
        self.contacts[address] = tuple(facts)
        matched = expect == "contact"
        self._truth(address, expect, winner.id if matched else None, winner.account_id, rule)

    def _lead(self, dice: Dice, address: str, index: int, ambiguous: bool) -> None:
        facts = [
            LeadFact(f"00QL{index:08d}{s}", address, "2024-01-01T00:00:00Z")
            for s in ("ab" if ambiguous else "a")
        ]
        winner = self._rank(dice, facts) if ambiguous else facts[0]
        self.leads[address] = tuple(facts)
        self._truth(address, "lead", winner.id)

    @staticmethod
    def _rank(dice: Dice, facts: list[Any]) -> Any:
        """Give two facts the stamps of one STAMP_CASES row and return the one R5 should pick."""
        first, second, winner = dice.pick(STAMP_CASES)
        facts[0] = replace(facts[0], last_modified=first)
        facts[1] = replace(facts[1], last_modified=second)
        if winner is None:
            return min(facts, key=lambda fact: fact.id)
        return facts[winner]
