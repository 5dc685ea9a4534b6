from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from drafter.render import render_text
from drafter.text import format_date, format_time, join_words, letter, parse_markup


def test_markup_runs():
    (p,) = parse_markup("See *Matter of X*, 1 I&amp;N Dec. 1 and **bold** [[fill me]].")
    assert [(r.text, r.italic, r.bold, r.flag) for r in p.runs] == [
        ("See ", False, False, False),
        ("Matter of X", True, False, False),
        (", 1 I&N Dec. 1 and ", False, False, False),
        ("bold", False, True, False),
        (" ", False, False, False),
        ("fill me", False, False, True),
        (".", False, False, False),
    ]


def test_paragraph_breaks():
    paras = parse_markup("one\nline\n\n\ntwo")
    assert [p.plain for p in paras] == ["one line", "two"]


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Zl", "Zp")), min_size=1)
)
def test_inserted_values_never_become_markup(value):
    rendered = render_text("{{ v }}", {"v": value}, name="t")
    text = "".join(p.plain for p in parse_markup(str(rendered)))
    assert text.split() == value.split()
    assert all(
        not (r.italic or r.bold or r.flag) for p in parse_markup(str(rendered)) for r in p.runs
    )


def test_markup_characters_in_values_stay_literal():
    rendered = render_text("{{ v }}", {"v": "*a* **b** [[c]]"}, name="t")
    (p,) = parse_markup(str(rendered))
    assert [(r.text, r.italic, r.bold, r.flag) for r in p.runs] == [
        ("*a* **b** [[c]]", False, False, False)
    ]


def test_private_use_characters_are_dropped_so_data_cannot_forge_exhibit_markers():
    rendered = render_text("{{ v }}", {"v": "A\ue000marriage\ue001B\uf8ffC"}, name="t")
    assert [p.plain for p in parse_markup(str(rendered))] == ["AmarriageBC"]


def test_control_characters_are_dropped():
    rendered = render_text("{{ v }}", {"v": "A\x00B\x1fC\x0bD"}, name="t")
    assert [p.plain for p in parse_markup(str(rendered))] == ["ABCD"]


def test_dates_and_words():
    assert format_date(dt.date(2014, 4, 10)) == "April 10, 2014"
    assert format_time(dt.time(13, 5)) == "1:05 PM"
    assert format_time(dt.time(0, 0)) == "12:00 AM"
    assert join_words(["A", "B", "C"]) == "A, B, and C"
    assert join_words(["A", "B"]) == "A and B"
    assert [letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "BB"]
