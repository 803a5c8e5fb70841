"""The festival report (جشنواره شهید رجایی) of a cycle: Excel (right-to-left, Persian headers)
and PDF (WeasyPrint, Vazirmatn, Jalali dates, Persian digits). Both list exactly what the
rankings page shows the viewer."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from desk.core.pdf import render_pdf
from desk.evaluation.models import Cycle
from desk.evaluation.selectors import Ranking, RankRow
from desk.lib.jalali import format_date, format_datetime

HEADERS = ("رتبه", "دستگاه", "استان", "امتیاز (از ۱۰۰)", "وضعیت")


def _status(row: RankRow) -> str:
    return "قطعی" if row.final else "موقت (در مهلت اعتراض یا رأی)"


def _sheet(sheet: Worksheet, rows: list[RankRow]) -> None:
    sheet.sheet_view.rightToLeft = True
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        agency = row.assessment.agency
        sheet.append((row.rank, agency.name, agency.province, float(row.score), _status(row)))
    for column, width in zip("ABCDE", (8, 44, 16, 16, 30), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in cells:
            cell.number_format = "0.00"


def report_workbook(cycle: Cycle, ranking: Ranking) -> Workbook:
    """One sheet for the national table (when the viewer sees it) and one per province."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    if ranking.national is not None:
        _sheet(book.create_sheet("رتبه‌بندی کشوری"), ranking.national)
    for province, rows in ranking.provinces.items():
        _sheet(book.create_sheet(f"استان {province}"[:31]), rows)
    if not book.worksheets:
        _sheet(book.create_sheet("رتبه‌بندی"), [])
    book.properties.title = cycle.title
    return book


def report_pdf(cycle: Cycle, ranking: Ranking) -> bytes:
    return render_pdf(
        "evaluation/report_pdf.html",
        {
            "cycle": cycle,
            "ranking": ranking,
            "period": " تا ".join(
                format_date(day) for day in (cycle.period_starts_on, cycle.period_ends_on)
            ),
            "made_at": format_datetime(timezone.now()),
        },
    )
