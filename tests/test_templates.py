"""The built-in Word templates are what tools/build_templates.py makes (so both stay in step)."""

from __future__ import annotations

import importlib.util
import io

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "tools" / "build_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name, factory",
    [
        ("pd-request.docx", "pd_request"),
        ("motion.docx", "motion"),
        ("declaration.docx", "declaration"),
    ],
)
def test_committed_template_matches_builder(builder, tmp_path, name, factory, capsys):
    target = tmp_path / name
    builder.save(getattr(builder, factory)(), target)
    assert target.read_bytes() == (ROOT / "templates" / name).read_bytes(), (
        f"templates/{name} is stale: run python tools/build_templates.py and commit it"
    )
    import docx

    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert document.sections[0].page_width == 7772400  # US Letter, 8.5 inches in EMU
