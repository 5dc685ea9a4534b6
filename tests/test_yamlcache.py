"""The parsed-YAML cache: the same data as parsing afresh, and never a reason to fail."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ruamel.yaml import YAML

from drafter import yamlcache
from drafter.clauses import ClauseLibrary, clause_files
from drafter.drafting import builtin_dir

from .conftest import ROOT


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(yamlcache, "_entries", None)
    monkeypatch.setattr(yamlcache, "_dirty", False)
    return tmp_path / "cache" / "yaml-v1.json"


def fresh(text):
    return YAML(typ="safe").load(text)


def test_cached_data_equals_freshly_parsed_data_for_every_library_file(cache, monkeypatch):
    texts = [
        p.read_text(encoding="utf-8").split("---\n")[1] for p in clause_files(ROOT / "clauses")
    ]
    texts.append((ROOT / "clauses" / "authorities.yaml").read_text(encoding="utf-8"))
    first = [yamlcache.load_safe_yaml(t) for t in texts]
    yamlcache.save()
    assert cache.is_file()
    monkeypatch.setattr(yamlcache, "_entries", None)  # a new process: read from the file
    again = [yamlcache.load_safe_yaml(t) for t in texts]
    assert again == first == [fresh(t) for t in texts]
    assert any(isinstance(v, dt.date) for d in again if isinstance(d, dict) for v in d.values())


def test_a_library_loads_the_same_with_and_without_the_cache(cache, monkeypatch):
    with_cache = ClauseLibrary.load(builtin_dir("clauses"))
    monkeypatch.setattr(yamlcache, "_entries", None)
    cached = ClauseLibrary.load(builtin_dir("clauses"))
    monkeypatch.setenv("DRAFTER_CACHE_DIR", "")
    monkeypatch.setattr(yamlcache, "_entries", None)
    without = ClauseLibrary.load(builtin_dir("clauses"))
    assert [c.meta for c in with_cache] == [c.meta for c in cached] == [c.meta for c in without]


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b'{"x": ' * 5000])
def test_a_damaged_cache_is_ignored(cache, damage):
    cache.parent.mkdir(parents=True)
    cache.write_bytes(damage)
    assert yamlcache.load_safe_yaml("a: 1\n") == {"a": 1}


def test_a_tampered_entry_is_still_validated(cache, tmp_path):
    # The cache holds data, not code: whatever it says goes through the same checks.
    from drafter.clauses import parse_clause
    from drafter.errors import ClauseError

    clause = tmp_path / "c.md"
    clause.write_text(
        "---\nid: x.y\ntitle: T\ndocuments: [pd-request]\nsection: closing\n---\nHi\n"
    )
    front = clause.read_text().split("---\n")[1]
    key = __import__("hashlib").sha256(front.encode()).hexdigest()
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({key: {"id": "x.y", "documents": "not a list"}}))
    with pytest.raises(ClauseError):
        parse_clause(clause)


def test_what_json_cannot_hold_is_parsed_every_time(cache):
    text = "1: one\n"
    assert yamlcache.load_safe_yaml(text) == {1: "one"}
    assert text not in json.dumps(yamlcache._entries)
    assert yamlcache.load_safe_yaml(text) == {1: "one"}


def test_an_unwritable_cache_is_no_error(cache):
    cache.parent.parent.mkdir(parents=True, exist_ok=True)
    cache.parent.write_text("a file where the folder should be")
    yamlcache.load_safe_yaml("b: 2\n")
    yamlcache.save()  # nothing raised


def test_an_alias_bomb_is_not_expanded_into_the_cache(cache):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    yamlcache.load_safe_yaml(bomb)  # parsed (the caller's check_data refuses it), never cached
    assert len(json.dumps(yamlcache._entries)) < 10_000
