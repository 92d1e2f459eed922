"""Who a Task is related to after a write, as Salesforce's shared activities decide it (R8, R9).

Facts 1.3 / rules 8.3: TaskWhoIds' first id is primary unless WhoId is given; a WhoId not in
the list is added as primary; nulling WhoId promotes another; null TaskWhoIds keeps WhoId.
"""

from __future__ import annotations

import pytest

from adapters.local_org.activities import MISSING, check_whos, derive_account, plan_whos
from adapters.local_org.errors import SfError

C1, C2, C3 = "0038L0000000001AAA", "0038L0000000002AAA", "0038L0000000003AAA"
L1, L2 = "00Q8L0000000001AAA", "00Q8L0000000002AAA"
ACCOUNT, OPP = "0018L0000000001AAA", "0068L0000000001AAA"


@pytest.mark.parametrize(
    ("current", "junction", "who", "expected"),
    [
        ([], [C1, C2], MISSING, [C1, C2]),
        ([], [C1, C2], C3, [C3, C1, C2]),
        ([], [C1, C2], C2, [C2, C1]),
        ([C1, C2], MISSING, C3, [C3, C1, C2]),
        ([C1, C2], MISSING, C2, [C2, C1]),
        ([C1, C2], MISSING, None, [C2]),
        ([C1, C2], None, MISSING, [C1]),
        ([C1, C2], [], C3, [C3]),
        ([C1, C2], MISSING, MISSING, [C1, C2]),
        ([], MISSING, C1, [C1]),
    ],
)
def test_the_people_after_a_write(
    current: list[str], junction: object, who: object, expected: list[str]
) -> None:
    assert plan_whos(current, junction, who) == expected


def test_fifty_contacts_or_one_lead_never_both() -> None:
    """R7/R9."""
    check_whos([f"003{i:015d}" for i in range(50)], "TaskWhoIds")
    check_whos([L1], "TaskWhoIds")
    for refused in ([f"003{i:015d}" for i in range(51)], [L1, C1], [L1, L2]):
        with pytest.raises(SfError):
            check_whos(refused, "TaskWhoIds")


def test_account_comes_from_what_then_the_primary_contact() -> None:
    rows = {OPP: {"AccountId": ACCOUNT}, C1: {"AccountId": "0018L0000000009AAA"}}
    assert derive_account(ACCOUNT, C1, rows) == ACCOUNT
    assert derive_account(OPP, C1, rows) == ACCOUNT
    assert derive_account(None, C1, rows) == "0018L0000000009AAA"
    assert derive_account(None, L1, rows) is None
