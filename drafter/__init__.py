"""drafter: drafts US immigration prosecutorial discretion filings as Word documents.

Use from Python::

    import drafter

    case = drafter.load_case("samples/01-same-sex-spouse-joint-reopen.yaml")
    result = drafter.draft(case, "pd-request")      # a Draft: .docx bytes, paragraphs, exhibits
    drafter.draft_to_file(case, "pd-request", "drafts/")

The engine (pydantic models, docxtpl, the clause library) is imported on first use of a name
below, so ``drafter --help`` and commands that need little start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    CaseFileError,
    CaseValidationError,
    ClauseError,
    DocumentRequirementError,
    DrafterError,
    OutputExistsError,
    TemplateError,
    UserError,
)

if TYPE_CHECKING:
    from .api import (
        Draft,
        case_schema,
        draft,
        draft_to_file,
        explain,
        load_case,
        load_library,
        parse_case,
        suggest,
        write_starter,
    )
    from .compiled import CompiledTemplate, compile_template
    from .documents import DOCUMENTS
    from .model import Case

_LATER = {
    **dict.fromkeys(
        (
            "Draft",
            "case_schema",
            "draft",
            "draft_to_file",
            "explain",
            "load_case",
            "load_library",
            "parse_case",
            "suggest",
            "write_starter",
        ),
        "api",
    ),
    "CompiledTemplate": "compiled",
    "compile_template": "compiled",
    "DOCUMENTS": "documents",
    "Case": "model",
}
"""Public names imported on first use, by the module that defines them."""


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is a plain global
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DOCUMENTS",
    "CompiledTemplate",
    "Case",
    "CaseFileError",
    "CaseValidationError",
    "ClauseError",
    "DocumentRequirementError",
    "Draft",
    "DrafterError",
    "OutputExistsError",
    "TemplateError",
    "UserError",
    "case_schema",
    "compile_template",
    "draft",
    "draft_to_file",
    "explain",
    "load_case",
    "load_library",
    "parse_case",
    "suggest",
    "write_starter",
]
