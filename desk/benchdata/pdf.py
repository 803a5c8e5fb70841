"""Well-formed PDFs of a given size for the benchmark: the upload check parses PDFs
(desk/lib/filecheck.py) and refuses a damaged one. Plain bytes, no Django: bench/run.py
imports it for the load driver's uploads, desk.benchdata.results for the stored result file."""

from __future__ import annotations


def pdf_of(size: int) -> bytes:
    """A one-page PDF of about `size` bytes, its content padded with a comment."""
    header = b"%PDF-1.4\n"
    content = b"BT /F1 12 Tf 72 720 Td (bench) Tj ET\n" + b"%" + b"0" * max(0, size - 700) + b"\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]
    body, offsets = header, []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body
