"""The rules' condition language (`--where`): every operator, precedence, and errors with columns (R26)."""

from __future__ import annotations

import pytest

from domain.errors import BadInput
from domain.rule_conditions import (
    FIELDS,
    AllOf,
    AnyOf,
    Comparison,
    ConditionError,
    Not,
    evaluate,
    fields_of,
    parse,
)

FACTS: dict[str, str | None] = {
    "Subject": "Sent (New): Pricing for Q3",
    "Type": "sent",
    "Shared": "true",
    "WhatId": None,
    "OwnerId": "005000000000001AAA",
    "Sobject": "Task",
    "Name.Email": "ann@one.example",
    "Name.Id": "003000000000001AAA",
    "Name.AccountId": "001000000000001AAA",
    "Name.Type": "Contact",
}


def holds(text: str, facts: dict[str, str | None] = FACTS) -> bool:
    return evaluate(parse(text), facts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Type = 'sent'", True),
        ("Type = 'open'", False),
        ("Type != 'open'", True),
        ("Type != 'sent'", False),
        ("Subject contains 'pricing'", True),
        ("Subject contains 'discount'", False),
        ("Subject startswith 'Sent (New)'", True),
        ("Subject startswith 'Replied'", False),
        ("Name.Email endswith '@one.example'", True),
        ("Name.Email endswith '@other.example'", False),
        ("Type in ('open', 'sent')", True),
        ("Type in ('open', 'click')", False),
        ("Shared = true", True),
        ("Shared = 'false'", False),
        ('Sobject = "Task"', True),
    ],
)
def test_every_operator_compares_as_documented(text: str, expected: bool) -> None:
    """R26 rules: =, !=, contains, startswith, endswith, in, with quoted or bare boolean values."""
    assert holds(text) is expected


def test_comparisons_keywords_and_fields_ignore_case() -> None:
    """Strings compare case-insensitively; keywords and field names may be written in any case."""
    assert holds("SUBJECT CONTAINS 'PRICING' AND name.email = 'ANN@One.Example'")
    assert holds("name.type IN ('contact') Or type = 'x'")


def test_name_alone_means_the_primary_email() -> None:
    """R26: `Name` is the Task's Name field, the primary person; it reads their address."""
    assert parse("Name = 'a@b.example'") == Comparison("Name.Email", "=", ("a@b.example",))


def test_a_missing_value_compares_as_empty() -> None:
    """A Task without WhatId: `WhatId = ''` holds, `WhatId startswith '006'` does not."""
    assert holds("WhatId = ''")
    assert not holds("WhatId startswith '006'")
    assert holds("WhatId != '006000000000001AAA'")


def test_and_binds_tighter_than_or_and_not_tightest() -> None:
    """`a or b and c` is `a or (b and c)`; `not a and b` is `(not a) and b`."""
    tree = parse("Type = 'x' or Type = 'sent' and Shared = 'true'")
    assert isinstance(tree, AnyOf) and isinstance(tree.operands[1], AllOf)
    assert holds("Type = 'x' or Type = 'sent' and Shared = 'true'")
    assert not holds("(Type = 'x' or Type = 'sent') and Shared = 'false'")
    negated = parse("not Type = 'x' and Shared = 'true'")
    assert isinstance(negated, AllOf) and isinstance(negated.operands[0], Not)
    assert holds("not Type = 'x' and Shared = 'true'")
    assert not holds("not (Type = 'sent' and Shared = 'true')")
    assert holds("not not Type = 'sent'")


def test_quoted_values_keep_spaces_and_escaped_quotes() -> None:
    facts = {**FACTS, "Subject": 'Sent (New): It\'s "done"'}
    assert holds("Subject endswith 'It\\'s \"done\"'", facts)
    assert holds('Subject contains "\\"done\\""', facts)


def test_fields_of_lists_what_a_condition_reads() -> None:
    tree = parse("Name.AccountId = '1' and (Type = 'sent' or not Sobject = 'Event')")
    assert fields_of(tree) == {"Name.AccountId", "Type", "Sobject"}
    assert set(FIELDS) >= fields_of(tree)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("", 1, "empty"),
        ("Subject", 8, "expected an operator"),
        ("Subject ~ 'x'", 9, "unexpected character"),
        ("Owner = 'x'", 1, "unknown field 'Owner'"),
        ("Subject = 'x' Type = 'y'", 15, "expected 'and', 'or'"),
        ("Subject = 'open", 11, "never closed"),
        ("(Subject = 'x'", 15, "expected ')'"),
        ("Type in 'sent'", 9, "expected '('"),
        ("Type in ('sent' 'open')", 17, "expected ',' or ')'"),
        ("Type = sent", 8, "expected a quoted value"),
        ("Type = 'sent' and", 18, "expected a field"),
        ("and Type = 'sent'", 1, "expected a field"),
    ],
)
def test_a_bad_condition_is_refused_at_its_column(text: str, column: int, words: str) -> None:
    """`rules add` refuses these with exit 2 (BadInput), pointing at the column."""
    with pytest.raises(ConditionError) as caught:
        parse(text)
    assert isinstance(caught.value, BadInput)
    assert caught.value.column == column
    assert words in str(caught.value) and f"column {column}" in str(caught.value)
    assert caught.value.pointer().splitlines()[-1] == " " * (column - 1) + "^"
