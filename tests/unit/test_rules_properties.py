"""Properties of the condition language (R26 rules): any condition written out parses back to
itself, and the fewest parentheses that precedence allows mean the same thing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rule_conditions import (
    FIELDS,
    AllOf,
    AnyOf,
    Comparison,
    Node,
    Not,
    evaluate,
    parse,
)

OPS = ("=", "!=", "contains", "startswith", "endswith")
WORDS = st.sampled_from(["", "a", "Ab", "sent", "it's", 'say "hi"', "back\\slash", "x y"])
values = st.text(max_size=6) | WORDS

comparisons = st.one_of(
    st.builds(lambda f, o, v: Comparison(f, o, (v,)), st.sampled_from(FIELDS), st.sampled_from(OPS), values),
    st.builds(
        lambda f, vs: Comparison(f, "in", tuple(vs)),
        st.sampled_from(FIELDS),
        st.lists(values, min_size=1, max_size=3),
    ),
)  # fmt: skip
trees = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(lambda xs: AllOf(tuple(xs)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda xs: AnyOf(tuple(xs)), st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=8,
)
facts = st.fixed_dictionaries({name: st.none() | values for name in FIELDS})


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def comparison(node: Comparison) -> str:
    if node.op == "in":
        return f"{node.field} in ({', '.join(quote(v) for v in node.values)})"
    return f"{node.field} {node.op} {quote(node.values[0])}"


def written_fully(node: Node) -> str:
    """Every compound in parentheses: parsing gives back exactly this tree."""
    if isinstance(node, Comparison):
        return comparison(node)
    if isinstance(node, Not):
        return f"not ({written_fully(node.operand)})"
    joiner = " and " if isinstance(node, AllOf) else " or "
    return "(" + joiner.join(written_fully(o) for o in node.operands) + ")"


LEVEL = {AnyOf: 1, AllOf: 2, Not: 3, Comparison: 4}


def written_briefly(node: Node, outer: int = 0) -> str:
    """Parentheses only where precedence (not > and > or) needs them."""
    level = LEVEL[type(node)]
    if isinstance(node, Comparison):
        text = comparison(node)
    elif isinstance(node, Not):
        text = "not " + written_briefly(node.operand, level)
    else:
        joiner = " and " if isinstance(node, AllOf) else " or "
        text = joiner.join(written_briefly(o, level + 1) for o in node.operands)
    return f"({text})" if level < outer else text


@settings(max_examples=60)
@given(trees)
def test_a_condition_written_out_parses_back_to_itself(tree: Node) -> None:
    assert parse(written_fully(tree)) == tree


@settings(max_examples=60)
@given(trees, facts)
def test_precedence_alone_keeps_the_meaning(tree: Node, known: dict[str, str | None]) -> None:
    assert evaluate(parse(written_briefly(tree)), known) == evaluate(tree, known)
