"""The small condition language of rules (`--where`): parse once, evaluate against a Task's facts.

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | "(" condition ")" | comparison
    comparison := FIELD ("=" | "!=" | "contains" | "startswith" | "endswith") VALUE
                | FIELD "in" "(" VALUE ("," VALUE)* ")"
    VALUE      := 'single' | "double" quoted string (backslash escapes the quote) | true | false

Keywords and field names are case-insensitive; so are the comparisons. A missing value
(a Task without WhatId) compares as the empty string. Every `Name.*` field is the Task's
PRIMARY contact (WhoId), never a secondary relation (R26).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import BadInput

PERSON_FIELDS = ("Name.Email", "Name.Id", "Name.AccountId", "Name.Type")
FIELDS = ("Subject", "Type", "Shared", "WhatId", "OwnerId", "Sobject", *PERSON_FIELDS)
ALIASES = {"name": "Name.Email"}
COMPARISONS = ("=", "!=", "contains", "startswith", "endswith", "in")
KEYWORDS = ("and", "or", "not", "in", "contains", "startswith", "endswith", "true", "false")
_CANONICAL = {name.lower(): name for name in FIELDS} | ALIASES


class ConditionError(BadInput):
    """A condition that does not parse; `column` (1-based) points at the trouble."""

    def __init__(self, reason: str, text: str, offset: int) -> None:
        self.reason = reason
        self.text = text
        self.column = offset + 1
        super().__init__(f"{reason} at column {self.column}")

    def pointer(self) -> str:
        """The condition with a caret under the column, for a terminal."""
        return f"{self.text}\n{' ' * (self.column - 1)}^"


@dataclass(frozen=True)
class Token:
    kind: str  # word | string | op | ( | ) | , | end
    value: str
    offset: int


@dataclass(frozen=True)
class Comparison:
    field: str
    op: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Node, ...]


Node = Comparison | Not | AllOf | AnyOf


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
        elif char in "(),":
            tokens.append(Token(char, char, at))
            at += 1
        elif text.startswith("!=", at):
            tokens.append(Token("op", "!=", at))
            at += 2
        elif char == "=":
            tokens.append(Token("op", "=", at))
            at += 1
        elif char in "'\"":
            value, end = _string(text, at)
            tokens.append(Token("string", value, at))
            at = end
        elif char.isalpha() or char == "_":
            end = at
            while end < len(text) and (text[end].isalnum() or text[end] in "_."):
                end += 1
            tokens.append(Token("word", text[at:end], at))
            at = end
        else:
            raise ConditionError(f"unexpected character {char!r}", text, at)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    quote, at, chars = text[start], start + 1, []
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text):
            chars.append(text[at + 1])
            at += 2
        elif char == quote:
            return "".join(chars), at + 1
        else:
            chars.append(char)
            at += 1
    raise ConditionError("this quoted value is never closed", text, start)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def is_word(self, *words: str) -> bool:
        return self.token.kind == "word" and self.token.value.lower() in words

    def take(self) -> Token:
        token = self.token
        self.at += 1
        return token

    def fail(self, reason: str) -> ConditionError:
        found = "the end of the condition" if self.token.kind == "end" else repr(self.token.value)
        return ConditionError(f"{reason}, found {found}", self.text, self.token.offset)

    def condition(self) -> Node:
        if self.token.kind == "end":
            raise ConditionError("the condition is empty", self.text, 0)
        node = self.disjunction()
        if self.token.kind != "end":
            raise self.fail("expected 'and', 'or' or the end")
        return node

    def disjunction(self) -> Node:
        operands = [self.conjunction()]
        while self.is_word("or"):
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while self.is_word("and"):
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def negation(self) -> Node:
        if self.is_word("not"):
            self.take()
            return Not(self.negation())
        if self.token.kind == "(":
            self.take()
            node = self.disjunction()
            if self.token.kind != ")":
                raise self.fail("expected ')'")
            self.take()
            return node
        return self.comparison()

    def comparison(self) -> Comparison:
        if self.token.kind != "word" or self.token.value.lower() in KEYWORDS:
            raise self.fail("expected a field (" + ", ".join(FIELDS) + ")")
        field = _CANONICAL.get(self.token.value.lower())
        if field is None:
            reason = f"unknown field {self.token.value!r}; use one of " + ", ".join(FIELDS)
            raise ConditionError(reason, self.text, self.token.offset)
        self.take()
        if self.token.kind == "op" or self.is_word(*COMPARISONS):
            op = self.take().value.lower()
        else:
            raise self.fail("expected an operator (" + ", ".join(COMPARISONS) + ")")
        if op != "in":
            return Comparison(field, op, (self.value(),))
        return Comparison(field, op, self.value_list())

    def value_list(self) -> tuple[str, ...]:
        if self.token.kind != "(":
            raise self.fail("expected '(' to open the list of values")
        self.take()
        values = [self.value()]
        while self.token.kind == ",":
            self.take()
            values.append(self.value())
        if self.token.kind != ")":
            raise self.fail("expected ',' or ')'")
        self.take()
        return tuple(values)

    def value(self) -> str:
        if self.token.kind == "string" or self.is_word("true", "false"):
            return self.take().value
        raise self.fail("expected a quoted value")


def parse(text: str) -> Node:
    """The condition's tree; a ConditionError (exit 2) names the column where it goes wrong."""
    return _Parser(text).condition()


def fields_of(node: Node) -> set[str]:
    """The fields a condition reads."""
    if isinstance(node, Comparison):
        return {node.field}
    if isinstance(node, Not):
        return fields_of(node.operand)
    return set().union(*(fields_of(operand) for operand in node.operands))


def evaluate(node: Node, facts: Mapping[str, str | None]) -> bool:
    """Whether the condition holds for these facts (canonical field name -> value or None)."""
    if isinstance(node, Comparison):
        return _compare(node, (facts.get(node.field) or "").lower())
    if isinstance(node, Not):
        return not evaluate(node.operand, facts)
    if isinstance(node, AllOf):
        return all(evaluate(operand, facts) for operand in node.operands)
    return any(evaluate(operand, facts) for operand in node.operands)


def _compare(node: Comparison, fact: str) -> bool:
    value = node.values[0].lower()
    if node.op == "=":
        return fact == value
    if node.op == "!=":
        return fact != value
    if node.op == "contains":
        return value in fact
    if node.op == "startswith":
        return fact.startswith(value)
    if node.op == "endswith":
        return fact.endswith(value)
    return fact in {v.lower() for v in node.values}
