"""Any valid address wrapped in a display name is matched exactly as the bare address (R1).

The display name is any text: `email.utils.formataddr` quotes (or encodes) it as a mail
program would, any name is also written as a quoted string, and a plain name of letters
and spaces unquoted.
"""

from __future__ import annotations

from email.utils import formataddr

from hypothesis import given
from hypothesis import strategies as st

from domain.addresses import is_valid_address, normalise
from domain.model import Activity, ContactFact, Directory, LeadFact
from domain.planner import plan_activity
from domain.settings import Settings

LOCAL = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+'-\\\"é"
    ),
    min_size=1,
    max_size=24,
)
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
ADDRESSES = st.builds(
    lambda local, labels, top: f"{local}@{'.'.join(labels)}.{top}",
    LOCAL,
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["example", "com", "co", "org"]),
).filter(lambda a: is_valid_address(a.lower()))
NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
PLAIN_NAMES = st.from_regex(r"[A-Za-z][A-Za-z .'-]{0,30}", fullmatch=True)


def _wrapped(draw: st.DrawFn, address: str) -> str:
    form = draw(st.sampled_from(["mail program", "quoted", "plain"]))
    if form == "mail program" and address.isascii():
        return formataddr((draw(NAMES), address))
    if form in ("mail program", "quoted"):
        name = draw(NAMES).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{name}" <{address}>'
    return f"{draw(PLAIN_NAMES)} <{address}>"


@st.composite
def wrapped_addresses(draw: st.DrawFn) -> tuple[str, str]:
    address = draw(ADDRESSES)
    return address, _wrapped(draw, address)


def outcome(given_address: str, directory: Directory) -> tuple[str, str, str | None, str | None]:
    activity = Activity(
        id="a-1",
        type="sent",
        occurred_at="2024-05-01T10:00:00Z",
        sender="rep@ours.example",
        to=(given_address,),
    )
    (r,) = plan_activity(activity, directory, Settings()).recipients
    return r.address, r.outcome, r.contact_id, r.lead_id


@given(wrapped_addresses(), st.sampled_from(["contact", "lead", "unmatched"]))
def test_a_wrapped_address_is_matched_exactly_as_the_bare_address(
    pair: tuple[str, str], kind: str
) -> None:
    """R1, R5: same normalised address, same outcome, same Contact or Lead."""
    bare, wrapped = pair
    key = normalise(bare)
    directory = Directory(
        contacts_by_email={key: (ContactFact(id="003A", email=key, account_id=None),)}
        if kind == "contact"
        else {},
        leads_by_email={key: (LeadFact(id="00QA", email=key),)} if kind == "lead" else {},
    )
    assert normalise(wrapped) == key
    assert outcome(wrapped, directory) == outcome(bare, directory)
