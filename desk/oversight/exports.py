"""Excel (right-to-left sheets, Persian headers) and PDF exports of a dashboard's figures."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from desk.core.pdf import render_pdf
from desk.lib.jalali import format_datetime
from desk.oversight.kpis import KPIS, Figures, Kpi

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: float | None, kpi: Kpi) -> float | int | None:
    if value is None:
        return None
    if kpi.unit in ("count", "rials", "days") and float(value).is_integer():
        return int(value)
    return round(value, 2)


def _sheet(book: Workbook, title: str, first: str, rows: Iterable[Figures], *, new: bool) -> None:
    sheet = book.create_sheet(title) if new else book.active
    assert sheet is not None
    sheet.title = title
    sheet.sheet_view.rightToLeft = True
    sheet.append([first, *[k.label for k in KPIS]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.label, *[_cell(value, kpi) for kpi, value in row.values]])
    sheet.column_dimensions["A"].width = 36
    for index in range(2, len(KPIS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 16


def dashboard_workbook(context: dict[str, Any]) -> Workbook:
    """Sheet 1: the groups of the page and their total; sheet 2: the months of the year;
    sheet 3: what the figures are and when they were built."""
    book = Workbook()
    groups = [row for row, _ in context["rows"]]
    _sheet(book, "شاخص‌ها", context["group_label"], [*groups, context["total"]], new=False)
    _sheet(book, "ماه‌ها", "ماه", context["trend"], new=True)
    about = book.create_sheet("درباره")
    about.sheet_view.rightToLeft = True
    run = context["last_run"]
    for line in (
        ("گزارش", context["title"]),
        ("دوره", context["period"].label),
        ("آخرین جمع‌بندی", format_datetime(run.finished_at) if run else "هنوز جمع‌بندی نشده"),
        ("تعریف شاخص‌ها", "docs/oversight.md"),
    ):
        about.append(line)
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 50
    return book


def _xlsx(book: Workbook, name: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def xlsx_response(context: dict[str, Any]) -> HttpResponse:
    return _xlsx(dashboard_workbook(context), f"oversight-{context['level'].kind}")


def pdf_response(context: dict[str, Any]) -> HttpResponse:
    pdf = render_pdf("oversight/report.pdf.html", {**context, "kpis": KPIS})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="oversight-{context["level"].kind}.pdf"'
    )
    return response


def league_response(context: dict[str, Any]) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "رتبه‌بندی"
    sheet.sheet_view.rightToLeft = True
    kpi: Kpi = context["kpi"]
    sheet.append(["رتبه", "دستگاه", kpi.label])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for rank, figures, value in context["rows"]:
        sheet.append([rank or None, figures.label, _cell(value, kpi)])
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 20
    return _xlsx(book, "oversight-league")
