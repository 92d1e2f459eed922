"""`activity-sync rules add|list|remove|deliver`: output and exit codes (0 ok, 1 failed, 2 bad input)."""

from __future__ import annotations

import json
import sys

import pytest

from adapters.cli.main import main

URL = "https://receiver.example/hook"


@pytest.fixture()
def rules(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ACTIVITY_SYNC_RULES_SECRET", raising=False)
    monkeypatch.delenv("ACTIVITY_SYNC_RULES_SECRET_FILE", raising=False)
    store = f"sqlite:///{tmp_path / 'store.db'}"

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        argv = sys.argv
        sys.argv = ["activity-sync", "--store", store, "rules", *args]
        try:
            with pytest.raises(SystemExit) as exited:
                main()
        finally:
            sys.argv = argv
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return run


def add(rules, name: str, where: str = "Type = 'sent'", when: str = "task_created", url=URL):
    return rules("add", name, "--when", when, "--where", where, "--post", url)


def test_add_list_and_remove_a_rule(rules) -> None:
    code, out, err = add(rules, "big-deals", "Name.AccountId = '001A' and Subject contains 'q3'")
    assert code == 0 and "big-deals added" in out
    assert "ACTIVITY_SYNC_RULES_SECRET" in err  # notices wait for the signing secret
    code, out, _ = rules("list", "--json")
    (rule,) = json.loads(out)["rules"]
    assert rule["name"] == "big-deals" and rule["url"] == URL and rule["when"] == "task_created"
    assert rule["where"] == "Name.AccountId = '001A' and Subject contains 'q3'"
    assert rule["notices"] == {"delivered": 0, "pending": 0, "failed": 0}
    code, out, _ = rules("list")
    assert code == 0 and "big-deals" in out and "primary" in out
    assert rules("remove", "big-deals")[0] == 0
    assert json.loads(rules("list", "--json")[1]) == {"rules": []}
    assert "No rules" in rules("list")[1]


def test_a_bad_condition_exits_2_pointing_at_the_column(rules) -> None:
    """R26 rules: the condition is checked at `rules add`, with a caret under the trouble."""
    code, _, err = add(rules, "r", "Subject contans 'x'")
    assert code == 2
    assert "column 9" in err and "expected an operator" in err
    assert "  Subject contans 'x'\n          ^" in err
    assert json.loads(rules("list", "--json")[1]) == {"rules": []}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"when": "task_updated"}, "unknown --when"),
        ({"url": "ftp://receiver.example/"}, "bad --post URL"),
        ({"name": "two words"}, "bad rule name"),
        ({"where": "Owner = 'x'"}, "unknown field 'Owner'"),
    ],
)
def test_bad_usage_exits_2(rules, args: dict[str, str], words: str) -> None:
    code, _, err = add(rules, args.pop("name", "r"), **args)
    assert code == 2 and words in err


def test_a_second_rule_of_the_same_name_exits_2_and_an_unknown_name_exits_1(rules) -> None:
    assert add(rules, "r")[0] == 0
    code, _, err = add(rules, "r", "Type = 'open'")
    assert code == 2 and "exists already" in err
    code, _, err = rules("remove", "nope")
    assert code == 1 and "no rule named 'nope'" in err


def test_deliver_without_the_signing_secret_exits_1_saying_what_to_set(rules) -> None:
    code, _, err = rules("deliver")
    assert code == 1 and "ACTIVITY_SYNC_RULES_SECRET is not set" in err


def test_deliver_with_nothing_pending_exits_0(rules, monkeypatch) -> None:
    monkeypatch.setenv("ACTIVITY_SYNC_RULES_SECRET", "x" * 32)
    code, out, _ = rules("deliver", "--json")
    assert code == 0 and json.loads(out)["delivered"] == 0
