"""Spreadsheets of clients: CSV or XLSX rows with dotted case-field columns, streamed row by row."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import typing
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .casefile import field_annotation, field_info, fields_at, required_paths
from .errors import UserError
from .frozen import frozen
from .inputs import check_file, check_zip, excerpt, input_limits, read_bytes

__all__ = ["Column", "Row", "flatten", "open_sheet", "row_data", "unknown_columns", "write_sheet"]

SHEET_SUFFIXES = (".csv", ".xlsx")


@frozen
class Column:
    """A sheet column: its header (a dotted case-field path) and, for XLSX, its letter."""

    path: str
    letter: str | None = None

    def describe(self) -> str:
        """``column C (respondent.a_number)`` or ``column respondent.a_number``."""
        return f"column {self.letter} ({self.path})" if self.letter else f"column {self.path}"


@frozen
class Row:
    """One data row: its number as the spreadsheet shows it, and its non-empty cells."""

    number: int
    cells: dict[str, Any]


class Sheet:
    """An open spreadsheet: its columns and a stream of rows (memory stays flat)."""

    def __init__(
        self,
        path: Path,
        columns: list[Column],
        rows: Iterator[Row],
        total: int | None,
        closer: Callable[[], None],
    ):
        self.path = path
        self.columns = columns
        self.rows = rows
        self.total = total
        self._closer = closer

    def close(self) -> None:
        """Release the file (rows not yet read are dropped); safe to call twice."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        self._closer()

    def column(self, path: str) -> Column | None:
        """The column with this header, if any."""
        return next((c for c in self.columns if c.path == path), None)


def open_sheet(path: Path, *, sheet_name: str | None = None) -> Sheet:
    """Open a CSV or XLSX sheet of clients.

    Args:
        path: the sheet.
        sheet_name: for XLSX, the worksheet to read (default: the active one).

    Raises:
        UserError: the file is missing, not a regular file, too large, of another kind,
            unreadable, or its header is unusable (empty or repeated column names, or a
            semicolon-separated CSV).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES and not path.is_dir():
        raise UserError(
            f"{path}: expected a .csv or .xlsx spreadsheet, got {suffix or 'no extension'!r}"
        )
    if suffix == ".csv":
        check_file(path, what="spreadsheet (.csv)", max_bytes=input_limits().sheet_bytes)
        return _open_csv(path)
    data = read_bytes(path, what="spreadsheet (.xlsx)", max_bytes=input_limits().package_bytes)
    check_zip(data, source=str(path), what=".xlsx workbook")
    return _open_xlsx(path, data, sheet_name)


def _check_header(path: Path, names: list[str]) -> None:
    if not names or not any(names):
        raise UserError(f"{path}: row 1 must hold the column names (dotted case-field paths)")
    for i, name in enumerate(names, start=1):
        if not name:
            raise UserError(f"{path}: row 1, column {i} has no name")
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            raise UserError(
                f"{path}: row 1: column {name!r} appears twice (columns {seen[name]} and {i})"
            )
        seen[name] = i


def _open_csv(path: Path) -> Sheet:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            total = sum(1 for _ in csv.reader(fh)) - 1
        fh = path.open(encoding="utf-8-sig", newline="")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: not UTF-8 text (byte {exc.start}; perhaps saved as Windows-1252)",
            hint="In Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'.",
        ) from None
    except csv.Error as exc:
        raise UserError(f"{path}: not a readable CSV file: {exc}") from None
    reader = csv.reader(fh)
    try:
        header = [h.strip() for h in next(reader, [])]
        if len(header) == 1 and header[0].count(";") >= 1:
            raise UserError(
                f"{path}: row 1 is one column holding ';' - the file is semicolon-separated",
                hint="Save it as 'CSV UTF-8 (Comma delimited)'; drafter reads commas.",
            )
        _check_header(path, header)
    except BaseException:
        fh.close()
        raise
    columns = [Column(h) for h in header]

    def rows() -> Iterator[Row]:
        with fh:
            # Spreadsheet rows are records: a cell holding a line break is still one row.
            for number, values in enumerate(reader, start=2):
                # Present cells only (_present, written out for text: it runs for every cell).
                cells: dict[str, Any] = {
                    c.path: v
                    for c, v in zip(columns, values, strict=False)
                    if v and not v.isspace()
                }
                if len(values) > len(columns) and any(_present(v) for v in values[len(columns) :]):
                    cells["__extra__"] = len(values) - len(columns)
                if cells:
                    yield Row(number, cells)

    return Sheet(path, columns, rows(), max(total, 0), fh.close)


def _open_xlsx(path: Path, data: bytes, sheet_name: str | None) -> Sheet:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UserError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: "
            f"{excerpt(str(exc), 80)[1:-1]})"
        ) from None
    try:
        sheet = _pick_sheet(path, book, sheet_name)
    except BaseException:
        book.close()
        raise
    values = sheet.iter_rows(values_only=True)
    header_row = next(values, ())
    header = [str(h).strip() if h is not None else "" for h in header_row]
    while header and not header[-1]:
        header.pop()
    try:
        _check_header(path, header)
    except BaseException:
        book.close()
        raise
    columns = [Column(h, get_column_letter(i)) for i, h in enumerate(header, start=1)]
    total = (sheet.max_row - 1) if sheet.max_row else None

    def rows() -> Iterator[Row]:
        try:
            for number, row in enumerate(values, start=2):
                cells = {c.path: v for c, v in zip(columns, row, strict=False) if _present(v)}
                if cells:
                    yield Row(number, cells)
        finally:
            book.close()

    return Sheet(path, columns, rows(), total, book.close)


def _pick_sheet(path: Path, book: Any, name: str | None) -> Any:
    """The worksheet to read: the one named, or the active one; never a hidden one silently."""
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    if name is not None:
        if name not in book.sheetnames:
            raise UserError(
                f"{path}: has no worksheet {excerpt(name)}; its sheets: "
                + ", ".join(map(repr, book.sheetnames))
            )
        sheet = book[name]
        if sheet.sheet_state != "visible":
            raise UserError(
                f"{path}: worksheet {name!r} is hidden; unhide it in Excel if it is the one"
            )
        return sheet
    sheet = book.active
    if sheet is None or sheet.sheet_state != "visible":
        raise UserError(
            f"{path}: its active worksheet is hidden or missing",
            hint="Name the sheet with --sheet; visible sheets: " + ", ".join(map(repr, visible)),
        )
    return sheet


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@lru_cache(maxsize=1024)
def _is_boolean(path: str) -> bool:
    """Whether a column's field is true/false (only there does ``TRUE`` mean a boolean)."""
    parts = tuple(int(p) if p.isdigit() else p for p in path.split("."))
    return field_annotation(parts) is bool


def _scalar(value: Any, *, boolean: bool = False) -> Any:
    """A cell as case data: dates as ISO text, whole numbers without '.0', text trimmed.

    ``TRUE``/``FALSE`` text becomes a boolean only in a true/false column: a client named
    True stays True.
    """
    if isinstance(value, str):  # nearly every cell (all of a CSV's)
        text = value.strip()
        if boolean and text.lower() in ("true", "false"):
            return text.lower() == "true"
        return text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return value if boolean else str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return value


@lru_cache(maxsize=4096)
def _column_path(path: str) -> tuple[tuple[str, ...], str, bool]:
    """A column's path as its groups and its field's own name, and whether that is true/false.

    Worked out once per column, not once per cell.
    """
    *groups, name = path.split(".")
    return tuple(groups), name, _is_boolean(path)


class RowError(Exception):
    """A row that cannot become case data (a column path that contradicts another)."""


def row_data(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dotted columns into nested case data; numeric path parts make lists.

    ``{'respondent.given_name': 'Ana', 'relationships.children.0.name': 'Leo'}`` becomes
    ``{'respondent': {'given_name': 'Ana'}, 'relationships': {'children': [{'name': 'Leo'}]}}``.

    Raises:
        RowError: two columns disagree about a path (one makes it a value, the other an object),
            or a list index skips a number.
    """
    root: dict[str, Any] = {}
    for path, value in cells.items():
        groups, name, boolean = _column_path(path)
        node: dict[str, Any] = root
        for i, part in enumerate(groups):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise RowError(
                    f"column {path}: {'.'.join(groups[: i + 1])} is both a value and a group"
                )
            node = child
        if isinstance(node.get(name), dict):
            raise RowError(f"column {path}: is both a value and a group")
        # Text in a column that is not true/false (most cells): _scalar, written out.
        node[name] = (
            value.strip() if type(value) is str and not boolean else _scalar(value, boolean=boolean)
        )
    data: dict[str, Any] = _lists(root, ())
    return data


def _lists(node: Any, where: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        indexes = sorted(int(k) for k in node)
        if indexes != list(range(len(indexes))):
            missing = next(i for i in range(len(indexes) + 1) if i not in indexes)
            raise RowError(
                f"columns {'.'.join(where)}.N: index {missing} is missing (lists count from 0)"
            )
        return [_lists(node[str(i)], (*where, str(i))) for i in indexes]
    # The path is joined only for an error message: most rows have none.
    return {k: _lists(v, (*where, k)) if isinstance(v, dict) else v for k, v in node.items()}


def merge(base: Any, over: Any) -> Any:
    """Row values over the shared defaults: mappings merge key by key; a row's list replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return over


def unknown_columns(columns: list[Column]) -> list[Column]:
    """Columns whose path the case model does not have (checked segment by segment)."""
    bad = []
    for column in columns:
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in column.path.split(".")]
        if not _path_exists(parts):
            bad.append(column)
    return bad


def _path_exists(parts: list[str | int]) -> bool:
    for i, part in enumerate(parts):
        if isinstance(part, int):
            continue
        allowed = fields_at(tuple(parts[:i]))
        if part not in allowed:
            return False
    return True


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Case data as dotted columns (the inverse of :func:`row_data`)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}{i}."))
    else:
        out[prefix[:-1]] = data
    return out


def write_sheet(path: Path, header: list[str], rows: list[list[Any]]) -> bytes:
    """A CSV or XLSX file's bytes with a header row and data rows.

    An XLSX sheet is laid out for a clinic to fill: the header frozen and bold, a note on each
    column from the case model's documentation, drop-down lists for closed sets, dates shown as
    dates.
    """
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        return buffer.getvalue().encode("utf-8")
    if path.suffix.lower() == ".xlsx":
        return _write_xlsx(header, rows)
    raise UserError(f"{path}: expected a .csv or .xlsx file name")


_FILL_ROWS = 1000
"""Rows below the header that carry drop-down lists and date formats."""


@frozen
class ColumnSpec:
    """What a sheet column holds, from the case model: its note, its choices, whether a date."""

    path: str
    note: str
    choices: tuple[str, ...] = ()
    date: bool = False
    required: bool = False


def column_spec(path: str, required: frozenset[str] = frozenset()) -> ColumnSpec:
    """Describe a dotted column from the case model's own documentation."""
    parts = tuple(int(p) if p.isdigit() else p for p in path.split("."))
    tp = field_annotation(parts)
    owner_parts = parts
    while owner_parts and isinstance(owner_parts[-1], int):  # an item of a list: the list's doc
        owner_parts = owner_parts[:-1]
    found = field_info(owner_parts)
    choices: tuple[str, ...] = ()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        choices = tuple(str(m.value) for m in tp)
    elif typing.get_origin(tp) is typing.Literal:
        choices = tuple(str(a) for a in typing.get_args(tp))
    elif tp is bool:
        choices = ("TRUE", "FALSE")
    date = tp is dt.date
    notes: list[str] = []
    if path in required:
        notes.append("Required.")
    if found is not None:
        owner, info = found
        if owner.__doc__:
            notes.append(f"{owner.__name__}: {owner.__doc__.strip().splitlines()[0]}")
        if info.description:
            notes.append(info.description.rstrip(".") + ".")
        if owner_parts != parts:
            notes.append(f"One item of the list {'.'.join(map(str, owner_parts))}.")
    if choices:
        notes.append("One of: " + ", ".join(choices) + ".")
    elif date:
        notes.append("A date (YYYY-MM-DD, or a date cell).")
    return ColumnSpec(path, " ".join(notes), choices, date, path in required)


def _write_xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    required = frozenset(required_paths())
    order = sorted(range(len(header)), key=lambda i: (header[i] not in required, i))
    header = [header[i] for i in order]
    rows = [[row[i] for i in order] for row in rows]
    specs = [column_spec(h, required) for h in header]
    book = Workbook()
    sheet = book.active
    sheet.title = "clients"
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    bold = Font(bold=True)
    for i, spec in enumerate(specs, start=1):
        letter = get_column_letter(i)
        cell = sheet.cell(row=1, column=i)
        cell.font = bold
        if spec.note:
            cell.comment = Comment(spec.note, "drafter", width=320, height=140)
        sheet.column_dimensions[letter].width = max(12, min(45, len(spec.path) + 2))
        cells = f"{letter}2:{letter}{_FILL_ROWS + 1}"
        if spec.choices and len(",".join(spec.choices)) < 250:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True
            )
            rule.error = f"Choose one of: {', '.join(spec.choices)}"
            rule.errorTitle = spec.path
            sheet.add_data_validation(rule)
            rule.add(cells)
        if spec.date:
            for (data_cell,) in sheet.iter_rows(
                min_row=2, max_row=len(rows) + 1, min_col=i, max_col=i
            ):
                data_cell.number_format = "yyyy-mm-dd"
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer_b = io.BytesIO()
    book.save(buffer_b)
    return buffer_b.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
