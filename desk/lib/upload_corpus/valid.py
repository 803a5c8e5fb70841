"""Good documents, some under names that must never reach a download."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image

from desk.lib.upload_corpus.make import (
    Sample,
    annotate,
    first_page,
    image,
    link,
    pdf,
    png_chunk,
    png_declaring,
    png_text,
    text_field,
)

# --- Good documents -----------------------------------------------------------------------------


def _link_uri(document: pikepdf.Pdf) -> None:
    annotate(document, link(Dictionary(S=Name.URI, URI=String("https://example.ir/"))))


def _open_at_first_page(document: pikepdf.Pdf) -> None:
    document.Root.OpenAction = Array([first_page(document), Name.Fit])


def _with_photo(document: pikepdf.Pdf) -> None:
    photo = image("JPEG", (120, 90))
    xobject = document.make_stream(photo)
    xobject.Type, xobject.Subtype = Name.XObject, Name.Image
    xobject.Width, xobject.Height = 120, 90
    xobject.ColorSpace, xobject.BitsPerComponent = Name.DeviceRGB, 8
    xobject.Filter = Name.DCTDecode
    page = first_page(document)
    page.Resources.XObject = Dictionary(Im1=xobject)
    page.Contents = document.make_stream(b"q 240 0 0 180 72 500 cm /Im1 Do Q")


def _with_metadata(document: pikepdf.Pdf) -> None:
    with document.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = "گواهی"
    document.docinfo["/Title"] = "Certificate"


def _with_text_field(document: pikepdf.Pdf) -> None:
    text_field(document, V=String("Maryam"))


def valid_samples() -> Iterator[Sample]:
    documents = {
        "letter.pdf": pdf(),
        "three-pages.pdf": pdf(pages=3),
        "uncompressed.pdf": pdf(compress=False),
        "object-streams.pdf": pdf(object_streams=True, pages=2),
        "with-link.pdf": pdf(build=_link_uri),
        "opens-at-first-page.pdf": pdf(build=_open_at_first_page),
        "with-photo.pdf": pdf(build=_with_photo),
        "with-metadata.pdf": pdf(build=_with_metadata),
        "filled-form.pdf": pdf(build=_with_text_field),
        "trailing-newlines.pdf": pdf() + b"\r\n\r\n\x00\x00",
        "سند مالکیت.pdf": pdf(text="Deed"),
        "scan.jpg": image("JPEG", (640, 480)),
        "scan-grey.jpg": image("JPEG", mode="L"),
        "scan-cmyk.jpg": image("JPEG", mode="CMYK"),
        "progressive.jpg": image("JPEG", progressive=True),
        "low-quality.jpg": image("JPEG", quality=20),
        "rotated-camera.jpg": image("JPEG", exif=_exif_rotated()),
        "photo-with-gps.jpg": image("JPEG", exif=_exif_gps()),
        "تصویر.jpeg": image("JPEG", (300, 200), seed=4),
        "one-pixel.png": image("PNG", (1, 1)),
        "screenshot.png": image("PNG", (360, 640)),
        "alpha.png": image("PNG", mode="RGBA"),
        "palette.png": image("PNG", mode="P"),
        "palette-transparent.png": image("PNG", mode="P", transparency=0),
        "grey.png": image("PNG", mode="L"),
        "grey-alpha.png": image("PNG", mode="LA"),
        "sixteen-bit.png": image("PNG", mode="I;16"),
        "bilevel.png": image("PNG", (200, 100), mode="1"),
        "interlaced.png": _interlaced_png(),
        "with-plain-text.png": image("PNG", pnginfo=png_text("Software", "Scanner 2.1")),
        "max-size-allowed.png": png_declaring(6000, 6000, full=True),
    }
    for name, data in documents.items():
        yield Sample(name, data, "valid", True)
    # Good content under names that must never reach a download: served by its type only.
    for name, data in {
        "report.pdf.php": pdf(),
        "photo.jpg.exe": image("JPEG"),
        "scan.png.html": image("PNG"),
        "../../etc/passwd.pdf": pdf(),
        "invoice\u202efdp.exe": pdf(),
        'x";filename=evil.html': image("PNG"),
        "CON.pdf": pdf(),
        "no-extension": image("JPEG"),
        "deed.PNG.svg": image("PNG"),
        "a" * 250 + ".pdf": pdf(),
    }.items():
        yield Sample(name, data, "valid-bad-name", True)


def _exif_rotated() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    return exif


def _exif_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (35.0, 41.0, 22.0)  # GPSLatitude: where the citizen lives
    return exif


def _interlaced_png() -> bytes:
    """Pillow writes no Adam7 PNGs; a tiny one by hand (8×8 grey, seven passes)."""
    width = height = 8
    rows: list[bytes] = []
    passes = (
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    )
    for x0, y0, dx, dy in passes:
        columns = len(range(x0, width, dx))
        for _y in range(y0, height, dy):
            rows.append(b"\x00" + bytes((37 * i) % 256 for i in range(columns)))
    header = struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + png_chunk(b"IEND", b"")
    )
