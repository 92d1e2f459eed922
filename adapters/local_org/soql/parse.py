"""Parsing SOQL text into a `Query` with the lark grammar in soql.lark (LALR)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from adapters.local_org.soql import literals as lit
from adapters.local_org.soql.ast import (
    And,
    Compare,
    InList,
    Like,
    Literal,
    Not,
    Or,
    OrderItem,
    Query,
    SubQuery,
)
from adapters.local_org.soql.errors import (
    NUMBER_OUTSIDE_VALID_RANGE,
    SoqlError,
    malformed,
    unsupported,
)

MAX_STATEMENT_LENGTH = 100_000
MAX_OFFSET = 2_000

# Words that start a construct outside the subset, and how to name it in the refusal.
_UNSUPPORTED_WORDS = {
    "GROUP": "GROUP BY",
    "HAVING": "HAVING",
    "TYPEOF": "TYPEOF",
    "WITH": "WITH",
    "FOR": "FOR VIEW/UPDATE/REFERENCE",
    "USING": "USING SCOPE",
    "INCLUDES": "INCLUDES",
    "EXCLUDES": "EXCLUDES",
    "SELECT": "A semi-join (IN (SELECT ...))",
    "ROLLUP": "GROUP BY ROLLUP",
    "CUBE": "GROUP BY CUBE",
}


class _ToQuery(Transformer[Token, Query]):
    """Builds the AST while the LALR parser reduces (no intermediate tree)."""

    def start(self, items: list[Any]) -> Query:
        query: Query = items[0]
        for item in query.fields:
            if isinstance(item, SubQuery):
                _check_subquery(item.query)
        return query

    def query(self, items: list[Any]) -> Query:
        select, sobject, *clauses = items
        parts: dict[str, Any] = dict(clauses)
        count = select == "COUNT"
        return Query(
            sobject=str(sobject),
            fields=() if count else tuple(select),
            count=count,
            where=parts.get("where"),
            order_by=parts.get("order_by", ()),
            limit=parts.get("limit"),
            offset=parts.get("offset"),
        )

    def select_list(self, items: list[Any]) -> Any:
        return items[0] if items[0] == "COUNT" else items

    def count_all(self, items: list[Any]) -> str:
        if items[1] is not None:
            raise unsupported(f"The aggregate function COUNT({'.'.join(items[1])})")
        return "COUNT"

    def function(self, items: list[Any]) -> None:
        raise unsupported(f"The function {str(items[0]).upper()}()")

    function_filter = function

    def subquery(self, items: list[Any]) -> SubQuery:
        return SubQuery(items[0])

    def path(self, items: list[Token]) -> tuple[str, ...]:
        return tuple(str(t) for t in items)

    def where(self, items: list[Any]) -> tuple[str, Any]:
        return "where", items[0]

    def and_chain(self, items: list[Any]) -> And:
        return And(tuple(items))

    def or_chain(self, items: list[Any]) -> Or:
        return Or(tuple(items))

    def not_(self, items: list[Any]) -> Not:
        return Not(items[0])

    def compare(self, items: list[Any]) -> Compare:
        op = "!=" if items[1] == "<>" else str(items[1])
        return Compare(items[0], op, items[2])

    def in_(self, items: list[Any]) -> InList:
        return InList(items[0], items[1], negated=False)

    def not_in(self, items: list[Any]) -> InList:
        return InList(items[0], items[1], negated=True)

    def like(self, items: list[Any]) -> Like:
        return Like(items[0], lit.like_pattern(str(items[1])))

    def value_list(self, items: list[Literal]) -> tuple[Literal, ...]:
        return tuple(items)

    def string(self, items: list[Token]) -> Literal:
        return lit.string_literal(str(items[0]))

    def number(self, items: list[Token]) -> Literal:
        return lit.number_literal(str(items[0]))

    def date(self, items: list[Token]) -> Literal:
        return lit.date_literal(str(items[0]))

    def datetime(self, items: list[Token]) -> Literal:
        return lit.datetime_literal(str(items[0]))

    def date_word(self, items: list[Token]) -> Literal:
        return lit.date_word_literal(str(items[0]))

    def null(self, items: list[Token]) -> Literal:
        return Literal("null", None, str(items[0]))

    def true(self, items: list[Token]) -> Literal:
        return Literal("boolean", True, str(items[0]))

    def false(self, items: list[Token]) -> Literal:
        return Literal("boolean", False, str(items[0]))

    def order_by(self, items: list[OrderItem]) -> tuple[str, Any]:
        return "order_by", tuple(items)

    def order_item(self, items: list[Any]) -> OrderItem:
        path, *rest = items
        descending = any(isinstance(t, Token) and t.upper() == "DESC" for t in rest)
        nulls = next((t for t in rest if isinstance(t, str) and t.startswith("NULLS:")), None)
        # Salesforce's defaults: ASC NULLS FIRST, DESC NULLS LAST.
        nulls_first = not descending if nulls is None else nulls == "NULLS:FIRST"
        return OrderItem(path, descending, nulls_first)

    def nulls(self, items: list[Token]) -> str:
        return "NULLS:" + items[0].upper()

    def limit(self, items: list[Token]) -> tuple[str, int]:
        return "limit", int(items[0])

    def offset(self, items: list[Token]) -> tuple[str, int]:
        offset = int(items[0])
        if offset > MAX_OFFSET:
            raise SoqlError(
                NUMBER_OUTSIDE_VALID_RANGE, f"Maximum SOQL offset allowed is {MAX_OFFSET}"
            )
        return "offset", offset


def _check_subquery(query: Query) -> None:
    if query.count:
        raise unsupported("COUNT() in a relationship subquery")
    if any(isinstance(item, SubQuery) for item in query.fields):
        raise unsupported("A subquery inside a relationship subquery")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark.open(
        "soql.lark", rel_to=__file__, parser="lalr", transformer=_ToQuery(), cache=False
    )


def _refusal(error: UnexpectedInput, text: str) -> SoqlError:
    """A MALFORMED_QUERY that names the unsupported construct when one is recognised."""
    where = f"ERROR at Row:{error.line}:Column:{error.column}"
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        return malformed(f"unexpected end of statement. {where}")
    if isinstance(error, UnexpectedCharacters):
        if text[error.pos_in_stream or 0 :].startswith("'"):
            return malformed(f"unterminated string literal. {where}")
        return malformed(f"unexpected character: '{error.char}'. {where}")
    assert isinstance(error, UnexpectedToken)
    token = str(error.token)
    history = list(getattr(error, "token_history", None) or [])
    previous = str(history[-1]).upper() if history else ""
    for word in (token.upper(), previous):
        if word in _UNSUPPORTED_WORDS:
            return unsupported(_UNSUPPORTED_WORDS[word])
    if previous == "NOT":
        return malformed(
            f"unexpected token: 'NOT'. NOT must start a condition: write 'a AND (NOT b)'. {where}"
        )
    return malformed(f"unexpected token: '{token}'. {where}")


def parse_uncached(text: str) -> Query:
    if len(text) > MAX_STATEMENT_LENGTH:
        raise malformed(
            f"The SOQL statement is {len(text):,} characters long; "
            f"the maximum is {MAX_STATEMENT_LENGTH:,}."
        )
    try:
        return _parser().parse(text)  # type: ignore[return-value]
    except UnexpectedInput as error:
        raise _refusal(error, text) from None


@lru_cache(maxsize=1024)
def parse_soql(text: str) -> Query:
    """Parse a statement (cached on the text: the engine repeats the same shapes)."""
    return parse_uncached(text)
