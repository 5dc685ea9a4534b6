"""The compiled-template cache: the same output as compiling afresh, trusted only when private."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from drafter import codecache
from drafter.compiled import CompiledTemplate, _grids_fit
from drafter.drafting import builtin_dir
from drafter.sandbox import environment

from .conftest import ROOT

SOURCE = "{% for x in items %}{{ x }}, {% endfor %}{{ name | upper }}"


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(codecache, "_entries", None)
    monkeypatch.setattr(codecache, "_added", {})
    return tmp_path / "cache"


def new_process(monkeypatch):
    """Forget what this process compiled, as a fresh process would have."""
    monkeypatch.setattr(codecache, "_entries", None)
    monkeypatch.setattr(codecache, "_added", {})


def refuse_compiling(monkeypatch):
    def compile_(*_args, **_kwargs):
        raise AssertionError("compiled afresh")

    monkeypatch.setattr(type(environment()), "compile", compile_)


def test_cached_code_renders_as_fresh_code_does(cache, monkeypatch):
    env = environment()
    fresh = env.from_string(SOURCE).render(items=[1, 2], name="Ana")
    assert codecache.compile_source(env, SOURCE).render(items=[1, 2], name="Ana") == fresh
    codecache.save()
    (written,) = cache.glob("jinja-*.marshal")
    assert written.stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o022 == 0
    new_process(monkeypatch)
    refuse_compiling(monkeypatch)
    assert codecache.compile_source(env, SOURCE).render(items=[1, 2], name="Ana") == fresh


def test_cached_code_is_still_sandboxed(cache, monkeypatch):
    hostile = "{{ ''.__class__.__mro__ }}"
    env = environment()
    with pytest.raises(Exception, match="not allowed|has no attribute|unsafe"):
        codecache.compile_source(env, hostile).render()
    codecache.save()
    new_process(monkeypatch)
    refuse_compiling(monkeypatch)
    with pytest.raises(Exception, match="not allowed|has no attribute|unsafe"):
        codecache.compile_source(env, hostile).render()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_cache_others_can_write_is_never_read(cache, monkeypatch, what):
    env = environment()
    codecache.compile_source(env, SOURCE)
    codecache.save()
    (written,) = cache.glob("jinja-*.marshal")
    target = written if what == "file" else cache
    target.chmod(target.stat().st_mode | 0o022)
    new_process(monkeypatch)
    assert codecache.lookup("jinja:anything") is None
    assert codecache._load() == {}


def test_a_damaged_cache_is_ignored(cache, monkeypatch):
    env = environment()
    codecache.compile_source(env, SOURCE)
    codecache.save()
    (written,) = cache.glob("jinja-*.marshal")
    written.write_bytes(b"\x00garbage")
    new_process(monkeypatch)
    assert codecache.compile_source(env, SOURCE).render(items=[], name="x") == "X"


def test_a_cached_entry_that_is_not_code_is_compiled_afresh(cache, monkeypatch):
    env = environment()
    codecache.store("jinja:" + __import__("hashlib").sha256(SOURCE.encode()).hexdigest(), b"no")
    assert codecache.compile_source(env, SOURCE).render(items=[], name="y") == "Y"


def test_an_empty_cache_dir_setting_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", "")
    new_process(monkeypatch)
    codecache.store("jinja:x", b"y")
    assert codecache.lookup("jinja:x") is None
    codecache.save()  # nothing to write, nowhere to write it


def test_a_template_from_the_cache_needs_neither_python_docx_nor_docxtpl(cache, monkeypatch):
    template = builtin_dir("templates") / "motion.docx"
    first = CompiledTemplate(template, environment())
    assert first._package is not None  # read with python-docx, patched by docxtpl
    codecache.save()
    new_process(monkeypatch)
    refuse_compiling(monkeypatch)
    again = CompiledTemplate(template, environment())
    assert again._package is None
    assert [p.source for p in again._parts] == [p.source for p in first._parts]
    assert again._core == first._core
    assert again._main_prefix == first._main_prefix


def test_a_cold_draft_from_the_cache_imports_neither_docxtpl_nor_python_docx(cache):
    env = {**os.environ, "DRAFTER_CACHE_DIR": str(cache)}
    code = (
        "import sys, drafter.api as api;"
        "import hashlib; case = api.load_case(sys.argv[1]); d = api.draft(case, 'pd-request');"
        "print(sorted(m for m in ('docx', 'docxtpl') if m in sys.modules),"
        " hashlib.sha256(d.docx).hexdigest())"
    )
    sample = str(ROOT / "samples" / "03-pending-child-illness.yaml")
    run = [sys.executable, "-c", code, sample]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    again = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert first.startswith("['docx', 'docxtpl'] ")  # compiled afresh, and kept
    assert again.startswith("[] ")
    assert first.split()[-1] == again.split()[-1]  # the same document, byte for byte


def test_grids_that_fit_are_left_to_lxml_alone():
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def table(grid, *rows):
        cols = "".join("<w:gridCol/>" for _ in range(grid))
        body = "".join(
            "<w:tr>"
            + "".join(
                f'<w:tc><w:tcPr><w:gridSpan w:val="{c}"/></w:tcPr></w:tc>' if c > 1 else "<w:tc/>"
                for c in row
            )
            + "</w:tr>"
            for row in rows
        )
        xml = f'<w:body xmlns:w="{w}"><w:tbl><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl></w:body>'
        return etree.fromstring(xml)

    assert _grids_fit(table(2, [1, 1], [2]))
    assert not _grids_fit(table(2, [1, 1, 1]))  # a {%tc %} loop added a cell
    assert not _grids_fit(table(3, [1, 1]))  # ... or took one away
    assert not _grids_fit(table(2))  # no rows: docxtpl decides
