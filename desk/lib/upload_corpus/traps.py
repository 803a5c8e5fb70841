"""Polyglots, malware test files, stubs, bombs, disguises and truncated files."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pikepdf
from pikepdf import Dictionary
from PIL import Image, PngImagePlugin

from desk.lib.antivirus import EICAR
from desk.lib.upload_corpus.make import (
    HTML_PAYLOADS,
    ONE_PIXEL_HEADER,
    Sample,
    after_header,
    first_page,
    image,
    jpeg_declaring,
    pdf,
    png_chunk,
    png_declaring,
    png_itxt,
    zip_of,
)

# --- Polyglots ----------------------------------------------------------------------------------


def polyglot_samples() -> Iterator[Sample]:
    document, jpeg, png = pdf(), image("JPEG"), image("PNG")
    for i, html in enumerate(HTML_PAYLOADS):
        yield Sample(f"pdf-html-appended-{i}.pdf", document + html, "polyglot", False)
        yield Sample(f"jpeg-html-appended-{i}.jpg", jpeg + html, "polyglot", False)
        yield Sample(f"png-html-appended-{i}.png", png + html, "polyglot", False)
    for i, html in enumerate(HTML_PAYLOADS[:4]):
        yield Sample(
            f"pdf-html-comment-{i}.pdf",
            after_header(document, b"%" + html + b"\n"),
            "polyglot",
            False,
        )
        yield Sample(f"jpeg-html-comment-{i}.jpg", image("JPEG", comment=html), "polyglot", False)
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", html.decode())
        yield Sample(f"png-html-text-{i}.png", image("PNG", pnginfo=text), "polyglot", False)
        itxt = png_itxt(html.decode())
        yield Sample(f"png-html-itxt-{i}.png", image("PNG", pnginfo=itxt), "polyglot", False)
    exif = Image.Exif()
    exif[0x010E] = "<script>alert(1)</script>"  # ImageDescription
    yield Sample("jpeg-exif-script.jpg", image("JPEG", exif=exif), "polyglot", False)
    yield Sample(
        "pdf-script-in-text.pdf",
        pdf(text="<script>alert(1)</script>", compress=False),
        "polyglot",
        False,
    )
    yield from _format_pairs(document, jpeg, png)


def _format_pairs(document: bytes, jpeg: bytes, png: bytes) -> Iterator[Sample]:
    archive = zip_of(("index.html", b"<p>x</p>"), ("a.class", b"\xca\xfe\xba\xbe"))
    jar = zip_of(("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"))
    gif = image("GIF", (8, 8), "P")
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00"
    tails = {
        "zip": archive,
        "jar": jar,
        "gif": gif,
        "elf": elf,
        "exe": exe,
        "shell": b"#!/bin/sh\nrm -rf /\n",
        "pdf": document,
        "png": png,
        "rar": b"Rar!\x1a\x07\x00" + b"\x00" * 20,
        "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24,
    }
    for hosts in (("pdf", document), ("jpg", jpeg), ("png", png)):
        extension, host = hosts
        for tail_name, tail in tails.items():
            if tail_name == extension:
                continue
            yield Sample(
                f"{extension}-plus-{tail_name}.{extension}", host + tail, "polyglot", False
            )
    yield Sample("zip-inside-pdf-stream.pdf", _zip_in_stream(archive), "polyglot", False)
    yield Sample(
        "pdf-junk-tail.pdf", document + random.Random(7).randbytes(4096), "polyglot", False
    )
    yield Sample("gifar.png", gif + jar, "polyglot", False)
    yield Sample("html-then-pdf.pdf", HTML_PAYLOADS[0] + document, "polyglot", False)
    yield Sample("jpeg-then-pdf.pdf", jpeg + document, "polyglot", False)


def _zip_in_stream(archive: bytes) -> bytes:
    """A ZIP stored uncompressed as the last stream of a PDF (ZIP readers find it from the end)."""

    def build(document: pikepdf.Pdf) -> None:
        document.Root.Extra = document.make_stream(archive)

    body = pdf(build=build, compress=False)
    return body


# --- Malware, stubs, bombs, disguises, truncation -----------------------------------------------


def eicar_samples() -> Iterator[Sample]:
    yield Sample("eicar.com", EICAR, "eicar", False)
    yield Sample("eicar.pdf", EICAR, "eicar", False)
    yield Sample("eicar-in-comment.pdf", after_header(pdf(), b"%" + EICAR + b"\n"), "eicar", False)
    stream = pdf(build=lambda d: setattr(d.Root, "Extra", d.make_stream(EICAR)), compress=False)
    yield Sample("eicar-in-stream.pdf", stream, "eicar", False)
    yield Sample("eicar-after-eof.pdf", pdf() + EICAR, "eicar", False)
    yield Sample("eicar-in-names.pdf", _with_eicar_name(), "eicar", False)
    yield Sample("eicar-jpeg-comment.jpg", image("JPEG", comment=EICAR), "eicar", False)
    exif = Image.Exif()
    exif[0x010E] = EICAR.decode()
    yield Sample("eicar-jpeg-exif.jpg", image("JPEG", exif=exif), "eicar", False)
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", EICAR.decode())
    yield Sample("eicar-png-text.png", image("PNG", pnginfo=text), "eicar", False)
    yield Sample("eicar-after-iend.png", image("PNG") + EICAR, "eicar", False)
    yield Sample("eicar-after-eoi.jpg", image("JPEG") + EICAR, "eicar", False)
    yield Sample("eicar.zip.pdf", zip_of(("eicar.com", EICAR)), "eicar", False)


def _with_eicar_name() -> bytes:
    """EICAR as raw bytes of an uncompressed stream that a page's resources name."""

    def build(document: pikepdf.Pdf) -> None:
        page = first_page(document)
        page.Resources.Properties = Dictionary(P0=document.make_stream(b"% " + EICAR))

    return pdf(build=build, compress=False)


def stub_samples() -> Iterator[Sample]:
    stubs = {
        "stub.jpg": b"\xff\xd8\xff",
        "stub-app0.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "stub.pdf": b"%PDF-",
        "stub-version.pdf": b"%PDF-1.7\n",
        "stub-eof.pdf": b"%PDF-1.7\n%%EOF\n",
        "stub-empty-trailer.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "stub.png": b"\x89PNG\r\n\x1a\n",
        "stub-ihdr.png": b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ONE_PIXEL_HEADER),
        "stub-iend.png": b"\x89PNG\r\n\x1a\n" + png_chunk(b"IEND", b""),
        "empty.pdf": b"",
    }
    for name, data in stubs.items():
        yield Sample(name, data, "stub", False)


def bomb_samples() -> Iterator[Sample]:
    yield Sample("bomb-20000x20000-full.png", png_declaring(20000, 20000, full=True), "bomb", False)
    for width, height in (
        (20000, 20000),
        (65535, 65535),
        (100000, 100000),
        (6001, 6001),
        (1, 2**31 - 1),
        (2**31 - 1, 1),
        (10000, 5000),
    ):
        yield Sample(f"bomb-{width}x{height}.png", png_declaring(width, height), "bomb", False)
    for width, height in ((65500, 65500), (30000, 20000), (8000, 8000)):
        yield Sample(f"bomb-{width}x{height}.jpg", jpeg_declaring(width, height), "bomb", False)


def disguised_samples() -> Iterator[Sample]:
    html = HTML_PAYLOADS[0]
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    disguised = {
        "page.pdf": html,
        "page.jpg": html,
        "page.png": html,
        "image.png": svg,
        "image.svg.png": svg,
        "script.pdf": b"alert(document.domain)//",
        "shell.jpg": b"<?php eval($_POST['x']); ?>",
        "shell.php.jpg": b"GIF89a<?php eval($_POST['x']); ?>",
        "program.pdf": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120,
        "program.png": b"\x7fELF\x02\x01\x01" + b"\x00" * 120,
        "archive.pdf": zip_of(("a.txt", b"hello")),
        "letter.pdf": zip_of(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")),
        "old-office.pdf": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "anim.png": image("GIF", (8, 8), "P"),
        "bitmap.jpg": image("BMP", (8, 8)),
        "scan.jpg": image("TIFF", (8, 8)),
        "photo.jpg": image("WEBP", (8, 8)),
        "notes.pdf": "یادداشت متنی ساده، نه PDF".encode(),
        "rich.pdf": b"{\\rtf1\\ansi hello}",
        "data.pdf": b'<?xml version="1.0"?><root/>',
        "x.hta.pdf": b"<HTA:APPLICATION><script>new ActiveXObject('WScript.Shell')</script>",
        "payload.jpg": b"\x00" * 64,
        "bom.pdf": b"\xef\xbb\xbf%PDF-1.4\n" + pdf()[9:],
        "space-before.pdf": b" " + pdf(),
        "report.pdf.php": b"<?php echo 'owned'; ?>",
        "photo.jpg.exe": b"MZ\x90\x00" + b"\x00" * 60,
        "scan.png.html": html,
    }
    for name, data in disguised.items():
        yield Sample(name, data, "disguised", False)


def truncated_samples() -> Iterator[Sample]:
    sources = {
        "pdf": pdf(pages=3),
        "jpg": image("JPEG", (320, 240)),
        "png": image("PNG", (320, 240)),
    }
    for extension, data in sources.items():
        for percent in (10, 25, 50, 75, 90, 98):
            cut = data[: len(data) * percent // 100]
            yield Sample(f"truncated-{percent}.{extension}", cut, "truncated", False)
