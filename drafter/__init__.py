"""drafter: drafts US immigration prosecutorial discretion filings as Word documents.

Use from Python::

    import drafter

    case = drafter.load_case("samples/01-same-sex-spouse-joint-reopen.yaml")
    result = drafter.draft(case, "pd-request")      # a Draft: .docx bytes, paragraphs, exhibits
    drafter.draft_to_file(case, "pd-request", "drafts/")
"""

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
from .model import Case

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
