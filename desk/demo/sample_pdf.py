"""The demo's sample document: a one-page Persian PDF, rendered once per process.

The demo citizen's uploaded documents and the files staff attach to results are copies of it;
it says in Persian that it is a sample without legal value, as a person opening it should read.
"""

from __future__ import annotations

from functools import cache

from desk.core.pdf import render_pdf

TITLE = "مدرک نمونه"


@cache
def sample_pdf() -> bytes:
    return render_pdf("demo/sample_pdf.html", {"title": TITLE})
