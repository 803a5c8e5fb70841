"""Excel exports, right-to-left with Persian headers."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from desk.lib.persian import to_persian_digits
from desk.payments.selectors import RevenueRow

HEADERS = ("خدمت", "ماه", "تعداد پرداخت", "مبلغ (ریال)", "مسترد (ریال)", "خالص (ریال)")


def revenue_workbook(rows: Sequence[RevenueRow], year: int) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"درآمد {to_persian_digits(year)}"
    sheet.sheet_view.rightToLeft = True
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append((row.service, row.month, row.payments, row.amount, row.refunded, row.net))
    sheet.append(
        (
            "جمع",
            "",
            sum(r.payments for r in rows),
            sum(r.amount for r in rows),
            sum(r.refunded for r in rows),
            sum(r.net for r in rows),
        )
    )
    for column, width in zip("ABCDEF", (40, 12, 14, 18, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    for row_cells in sheet.iter_rows(min_row=2, min_col=4, max_col=6):
        for cell in row_cells:
            cell.number_format = "#,##0"
    return book
