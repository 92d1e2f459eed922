"""Email addresses as the planner sees them: normalised (R1), valid or not (R3), excluded or not (R4).

The syntax check is deliberately practical rather than a full RFC 5322 parser:

- exactly one `@`, no whitespace or control characters anywhere, nothing of a display
  form (`<`, `>`, `,`, `;`);
- a non-empty local part of at most 64 characters; anything else printable is allowed
  in it (quotes, backslashes, `%`, `_`, `+`, Unicode), because real addresses have them;
- a dotted domain: two or more labels, each 1-63 letters, digits (Unicode allowed, for
  internationalised domains) or inner hyphens, and a top-level label that is not all digits;
- at most 254 characters in all.

A display-name form (`Ana Lee <ana.lee@acme.example>`, `"Lee, Ana" <ana@acme.example>`), as
mail exports write them, stands for the address inside `<...>`: `normalise` takes it out,
so it is matched exactly as the bare address. The standard library's parser
(`email.utils.getaddresses`) must read the whole text as one address; anything else (an
unquoted comma, two addresses, an empty or unclosed `<...>`) stays as given and is judged
invalid, with the reason from `display_problem`. The display name itself stays in the
text as given, where the address is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import getaddresses
from functools import lru_cache

from domain.settings import Settings

MAX_ADDRESS = 254
MAX_LOCAL_PART = 64
MAX_LABEL = 63
_NOT_ALLOWED = re.compile(r"[\s<>,;]")
# A display name (quoted strings may hold anything) followed by one `<...>`.
_DISPLAY = re.compile(r'(?P<name>(?:"(?:[^"\\]|\\.)*"|[^<>"])*)<(?P<address>[^<>]*)>', re.DOTALL)


def normalise(address: str) -> str:
    """R1: trimmed and lower-cased, the form every comparison and directory key uses; a
    display-name form stands for the address inside its `<...>`."""
    return address_of(address).strip().lower()


def address_of(given: str) -> str:
    """The address a display-name form wraps; any other text as it is."""
    if "<" not in given and ">" not in given:
        return given
    split = split_display(given)
    return split[1] if split is not None else given


def split_display(given: str) -> tuple[str, str] | None:
    """`Ana Lee <ana@acme.example>` -> (`Ana Lee`, `ana@acme.example`); None when `given` is
    not one well-formed display-name address."""
    text = given.strip()
    match = _DISPLAY.fullmatch(text)
    if match is None or not match["address"].strip():
        return None
    pairs = getaddresses([text])
    if len(pairs) != 1 or not pairs[0][1]:
        return None
    return pairs[0][0], match["address"].strip()


def display_problem(given: str) -> str | None:
    """Why a text in display-name form gives no address (None when it does, or is not one)."""
    text = given.strip()
    if "<" not in text and ">" not in text:
        return None
    match = _DISPLAY.fullmatch(text)
    if match is None:
        return "a display name must be followed by exactly one address in <...>"
    if not match["address"].strip():
        return "the <...> after the display name holds no address"
    if split_display(text) is None:
        return "the display name has an unquoted comma, @ or other special character (quote it)"
    return None


@lru_cache(maxsize=65536)
def is_valid_address(address: str) -> bool:
    """R3: whether a (normalised) address is syntactically usable; see the module docstring.

    Pure, so memoised: the same people recur across a team's activities.
    """
    if not address or len(address) > MAX_ADDRESS or address.count("@") != 1:
        return False
    if not address.isprintable() or _NOT_ALLOWED.search(address):
        return False
    local, domain = address.split("@")
    return 0 < len(local) <= MAX_LOCAL_PART and _is_valid_domain(domain)


def _is_valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(_is_valid_label(label) for label in labels)


def _is_valid_label(label: str) -> bool:
    if not 0 < len(label) <= MAX_LABEL or label[0] == "-" or label[-1] == "-":
        return False
    return label.replace("-", "").isalnum()


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


def local_part_of(address: str) -> str:
    return address.rpartition("@")[0]


def in_domain(domain: str, entry: str) -> bool:
    """Whether `domain` is `entry` or one of its subdomains (`eu.alpha.example` is in `alpha.example`)."""
    return domain == entry or domain.endswith("." + entry)


@dataclass(frozen=True)
class Exclusions:
    """R4 for one activity: the sender and the settings' lists, normalised once.

    Precedence: the activity's own sender, the admin's exclusion list (an exact address, or
    a domain with its subdomains; a leading `@` on a domain entry is tolerated), the org's
    internal domains (with subdomains), then system senders by local part (`noreply`, and
    its `noreply+tag` forms). Within a list, the first matching entry names the rule.
    """

    sender: str
    excluded: tuple[str, ...]
    internal_domains: tuple[str, ...]
    system_senders: tuple[str, ...]

    @classmethod
    def of(cls, sender: str, settings: Settings) -> Exclusions:
        excluded, internal, system = _lists(settings)
        return cls(
            sender=normalise(sender),
            excluded=excluded,
            internal_domains=internal,
            system_senders=system,
        )

    def reason(self, address: str) -> str | None:
        """The rule that excludes a valid, normalised address, or None."""
        if address == self.sender:
            return "sender"
        domain = domain_of(address)
        for entry in self.excluded:
            if _matches_exclusion(address, domain, entry):
                return f"exclusion_list:{entry}"
        for internal in self.internal_domains:
            if in_domain(domain, internal.lstrip("@")):
                return f"internal_domain:{internal}"
        base = local_part_of(address).split("+", 1)[0]
        if base in self.system_senders:
            return f"system_sender:{base}"
        return None


def exclusion_reason(address: str, sender: str, settings: Settings) -> str | None:
    """R4 for one address (see `Exclusions`; build that once when judging many addresses)."""
    return Exclusions.of(sender, settings).reason(address)


@lru_cache(maxsize=16)
def _lists(settings: Settings) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The settings' three lists normalised: once per settings, not once per activity."""
    return (
        _entries(settings.excluded),
        _entries(settings.internal_domains),
        _entries(settings.all_system_senders),
    )


def _entries(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(e for e in (normalise(v) for v in values) if e)


def _matches_exclusion(address: str, domain: str, entry: str) -> bool:
    bare = entry.lstrip("@")
    if "@" in bare:
        return address == entry
    return in_domain(domain, bare)
