"""The command line: click commands that parse options, call the Python API and print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from . import api
from .documents import DOCUMENTS
from .errors import DrafterError, UserError

_DOCUMENT = click.Choice(sorted(DOCUMENTS))


class _Group(click.Group):
    """Turns every DrafterError into ``Error: ...`` on stderr and exit status 1, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            click.echo(f"Error: {exc}", err=True)
            hint = getattr(exc, "hint", None)
            if hint:
                click.echo(f"Hint: {hint}", err=True)
            ctx.exit(1)


_case_arg = click.argument("case", type=click.Path(path_type=Path))
_library_opt = click.option(
    "--library",
    type=click.Path(path_type=Path, file_okay=False),
    help="A directory of your own clauses, overlaid on the built-in library.",
)


@click.group(cls=_Group)
@click.version_option(package_name="drafter")
def cli() -> None:
    """Draft immigration prosecutorial discretion filings as Word documents.

    A case file (YAML or JSON) describes one client; drafter picks the clauses that fit, renders
    them into a Word template, and writes a .docx for attorney review.

    \b
    Start here:
        drafter init my-client.yaml
        drafter validate my-client.yaml
        drafter render my-client.yaml --document pd-request --out drafts/
    """


@cli.command()
@_case_arg
@click.option("--document", "-d", type=_DOCUMENT, required=True, help="Which document to draft.")
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Directory to write the .docx into (created if missing).",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    help="Render into your own Word template instead of the built-in one.",
)
@_library_opt
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def render(
    case: Path,
    document: str,
    out_dir: Path,
    template: Path | None,
    library: Path | None,
    force: bool,
) -> None:
    """Draft DOCUMENT for the client in CASE and write it as a Word file.

    The file is named from the client and document kind; an existing file is never overwritten
    unless --force is given.

    \b
    Example:
        drafter render samples/01-same-sex-spouse-joint-reopen.yaml \\
            --document pd-request --out drafts/
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: --out must be a directory, but a file is there")
    loaded = api.load_case(case)
    lib = api.load_library(library) if library else None
    result, path = api.draft_to_file(
        loaded, document, out_dir, force=force, library=lib, template=template
    )
    click.echo(f"Wrote {path}")
    flagged = sum(1 for p in result.paragraphs for r in p.runs if r.flag)
    if flagged:
        click.echo(f"  {flagged} highlighted placeholder(s) for the attorney to fill.", err=True)
    if result.held_back:
        click.echo(
            f"  {len(result.held_back)} adverse fact(s) held back (not marked disclose).", err=True
        )


@cli.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(cases: tuple[Path, ...]) -> None:
    """Check one or more case files and report every problem, with field and line.

    \b
    Example:
        drafter validate samples/*.yaml
    """
    failures = 0
    for path in cases:
        try:
            case = api.load_case(path)
        except UserError as exc:
            failures += 1
            click.echo(f"Error: {exc}", err=True)
            continue
        people = len(case.covered_people)
        click.echo(f"{path}: valid ({case.respondent.full_name}, {people} person(s) covered)")
    if failures:
        raise click.exceptions.Exit(1)


@cli.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of case files (for editor completion and checks).

    \b
    Example:
        drafter schema > case.schema.json
    """
    click.echo(json.dumps(api.case_schema(), indent=indent, ensure_ascii=False))


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def init(file: Path, force: bool) -> None:
    """Write a commented starter case file to FILE, ready to fill in.

    \b
    Example:
        drafter init clients/garcia.yaml
    """
    api.write_starter(file, force=force)
    click.echo(f"Wrote {file}; fill it in, then run: drafter validate {file}")


@cli.command(name="documents")
def documents_cmd() -> None:
    """List the document kinds drafter can draft.

    \b
    Example:
        drafter documents
    """
    for kind in DOCUMENTS.values():
        click.echo(f"{kind.id:<14} {kind.description}")


def main() -> None:
    """Entry point of the ``drafter`` command."""
    cli(prog_name="drafter")
