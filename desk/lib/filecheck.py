"""What an uploaded document really is: judged by its whole structure, not its first bytes.

A citizen's upload is accepted only as PDF, JPEG or PNG, and only when the whole file is that
format and nothing else:

- PDF is parsed with pikepdf (qpdf). It is refused when it can run anything in a reader
  (JavaScript, additional actions, an open action other than "open at this page", launching a
  program, importing or submitting data, rich media), carries other files (embedded files, file
  attachments, XFA forms), is encrypted, does not parse, is cut short, or ends in data that
  is another format. A PDF is stored byte for byte as sent: rewriting it would break the
  signatures of signed PDFs that other agencies issue.
- JPEG and PNG are decoded with Pillow under a pixel limit (the dimensions are read before a
  single pixel is decoded, so a 20000×20000 "decompression bomb" costs nothing) and re-encoded:
  what is stored is the picture only, without EXIF (camera, GPS position), comments, colour
  profiles or anything appended after the image.

Any format is refused as a polyglot when it also reads as something else: web page or script
markers anywhere (a browser that sniffs the bytes would run them), a ZIP archive, or another
format's signature inside it.

No Django requests or models here: :func:`inspect` takes bytes and returns a typed verdict whose
reason has a Persian message (:func:`message_for`).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

import pikepdf
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# The one extension a stored document is ever served with, by its detected type.
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
DEFAULT_MAX_PIXELS = 36_000_000  # 6000×6000: a 12 MP phone photo, an A4 page scanned at 600 dpi

_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_PIL_FORMAT = {JPEG: "JPEG", PNG: "PNG"}


class Reason(StrEnum):
    """Why a file was refused; the values are stable (logs, corpus figures)."""

    EMPTY = "empty"
    TOO_BIG = "too_big"
    UNSUPPORTED = "unsupported"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    ACTIVE_CONTENT = "active_content"
    EMBEDDED_FILES = "embedded_files"
    XFA = "xfa"
    TOO_MANY_PIXELS = "too_many_pixels"
    POLYGLOT = "polyglot"
    TRAILING_DATA = "trailing_data"
    INFECTED = "infected"
    SCAN_FAILED = "scan_failed"


_MESSAGES: dict[Reason, Promise] = {
    Reason.EMPTY: _("پرونده خالی است. پرونده درست را انتخاب کنید."),
    Reason.TOO_BIG: _("حجم پرونده بیش از %(size)s است."),
    Reason.UNSUPPORTED: _("فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود."),
    Reason.DAMAGED: _(
        "پرونده ناقص یا خراب است و باز نمی‌شود. آن را دوباره ذخیره یا اسکن کنید و بفرستید."
    ),
    Reason.ENCRYPTED: _("پرونده PDF رمز دارد. نسخه بدون رمز آن را بفرستید."),
    Reason.ACTIVE_CONTENT: _(
        "پرونده PDF کد یا فرمان خودکار (مانند جاوااسکریپت یا اجرای برنامه) دارد و پذیرفته "
        "نمی‌شود. آن را با «چاپ به PDF» دوباره بسازید و بفرستید."
    ),
    Reason.EMBEDDED_FILES: _(
        "پرونده PDF پرونده‌های دیگری را در خود دارد و پذیرفته نمی‌شود. هر مدرک را جدا بفرستید."
    ),
    Reason.XFA: _(
        "پرونده PDF فرم پویا (XFA) دارد و پذیرفته نمی‌شود. آن را با «چاپ به PDF» دوباره "
        "بسازید و بفرستید."
    ),
    Reason.TOO_MANY_PIXELS: _(
        "ابعاد تصویر بیش از اندازه است (بیشتر از %(megapixels)s مگاپیکسل). "
        "تصویر را کوچک‌تر کنید و بفرستید."
    ),
    Reason.POLYGLOT: _(
        "این پرونده جز مدرک، محتوای دیگری (مانند صفحه وب، کد یا پرونده فشرده) در خود دارد و "
        "پذیرفته نمی‌شود."
    ),
    Reason.TRAILING_DATA: _(
        "پس از پایان این پرونده داده اضافه‌ای هست و پذیرفته نمی‌شود. آن را دوباره ذخیره کنید "
        "و بفرستید."
    ),
    Reason.INFECTED: _("در این پرونده بدافزار پیدا شد و پذیرفته نمی‌شود."),
    Reason.SCAN_FAILED: _("بررسی امنیتی پرونده اکنون ممکن نیست. چند دقیقه دیگر دوباره بفرستید."),
}


def message_for(reason: Reason) -> str:
    """The Persian sentence shown next to the file field (some take %(size)s / %(megapixels)s),
    in the active language."""
    return str(_MESSAGES[reason])


@dataclass(frozen=True)
class Accepted:
    mime: str
    # What to store: the PDF as sent, or the re-encoded image.
    content: bytes

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime]


@dataclass(frozen=True)
class Rejected:
    reason: Reason
    # English, for logs and the corpus report; never shown to the citizen.
    detail: str = ""


Verdict = Accepted | Rejected


def sniff(data: bytes) -> str | None:
    """The supported type whose signature starts `data`, or None."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return None


def inspect(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Verdict:
    """Accept `data` as a PDF, JPEG or PNG document, or say why not."""
    if not data:
        return Rejected(Reason.EMPTY)
    mime = sniff(data)
    if mime is None:
        return Rejected(Reason.UNSUPPORTED, "no PDF, JPEG or PNG signature at offset 0")
    foreign = foreign_content(data)
    if foreign:
        return Rejected(Reason.POLYGLOT, foreign)
    if mime == PDF:
        return _inspect_pdf(data)
    return _inspect_image(data, mime, max_pixels)


# --- Polyglots ----------------------------------------------------------------------------------

# Markers a browser or an interpreter acts on. Each is long enough that random compressed bytes
# hardly ever spell it (a 5 MB file: well under one chance in a thousand), and none is PDF,
# JPEG or PNG syntax (PDF hex strings use only 0-9 and a-f).
_ACTIVE_MARKERS = re.compile(
    rb"<\s*(?:script|html|body|iframe|frameset|object|embed|applet|!doctype\s+html)[\s>/]"
    rb"|<svg[\s>]|<\?php|<meta\s+http-equiv|javascript:|vbscript:|\bon(?:load|error)\s*=",
    re.IGNORECASE,
)
# Signatures of other formats that no PDF, JPEG or PNG carries inside it legitimately.
_FOREIGN_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE (Office)"),
)
# Short signatures, checked only in data after a format's end (too likely by chance elsewhere).
_TRAILING_SIGNATURES = (
    *_FOREIGN_SIGNATURES,
    (b"PK\x03\x04", "ZIP"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows executable"),
    (b"\x1f\x8b", "gzip"),
    (b"#!", "script"),
)


# The checks above are read in passes that each look for one literal first byte (or two),
# which the regular expression engine scans for in a tight loop (about 60 µs for 200 KB);
# an expression whose alternatives begin with different bytes, or ignores case, tries each
# position of the file (0.7 to 6 ms for 200 KB), and a bytes.find per signature costs more
# than a pass each (its skip filter fails on bytes that alias the signature's). So they are
# read in two steps:
#
# 1. A quick look in a folded copy of the file (_FOLD: ASCII lower case, then the first
#    bytes of the signatures and of "javascript:"/"vbscript:" all made "%", their second
#    bytes all "p"). Every marker or signature of the file is there, folded the same way, so
#    three passes find every one of them (and, rarely, something that only folds alike):
#    "<…" (_FOLDED_TAGS), "on…=" (_FOLDED_EVENTS, without the \b, which only narrows) and
#    "%p…" (_FOLDED_SIGNATURES, from offset 1; the scripts at offset 0 looked at apart).
# 2. Only when one of them finds something, the exact reading (_exact_foreign_content),
#    which says what and where, word for word as it always has.
_FOLD_FIRST = b"%\x89gr7\xd0jv"  # "7zXZ\x00" is looked for in place of "\xfd7zXZ\x00"
_FOLD_SECOND = b"piaz\xcfb"
_FOLD = bytes(
    ord("%") if byte in _FOLD_FIRST else ord("p") if byte in _FOLD_SECOND else byte
    for byte in bytes(range(256)).lower()
)


def _folded(literal: bytes) -> bytes:
    return re.escape(literal.translate(_FOLD))


_FOLDED_TAGS = re.compile(
    rb"<(?:\s*(?:"
    + b"|".join(
        _folded(word)
        for word in (b"script", b"html", b"body", b"iframe", b"frameset", b"object", b"embed")
    )
    + b"|"
    + _folded(b"applet")
    + b"|"
    + _folded(b"!doctype")
    + rb"\s+"
    + _folded(b"html")
    + rb")[\s>/]|"
    + _folded(b"svg")
    + rb"[\s>]|"
    + _folded(b"?php")
    + b"|"
    + _folded(b"meta")
    + rb"\s+"
    + _folded(b"http-equiv")
    + b")"
)
_FOLDED_EVENTS = re.compile(b"on(?:" + _folded(b"load") + b"|" + _folded(b"error") + rb")\s*=")
_FOLDED_SCRIPTS = (b"javascript:".translate(_FOLD), b"vbscript:".translate(_FOLD))
_FOLDED_SIGNATURES = re.compile(
    b"|".join(
        _folded(signature)
        for signature in (
            *(signature for signature, _name in _FOREIGN_SIGNATURES if signature[0] != 0xFD),
            b"7zXZ\x00",
            *(b"javascript:", b"vbscript:"),
        )
    )
)

# The exact reading, in the file lowered (what re.IGNORECASE compares for bytes): one pass
# per first byte of _ACTIVE_MARKERS' alternatives, the earliest match wins, and the match is
# then taken at that offset with _ACTIVE_MARKERS itself (same text, same offset as a search).
_LOWER_TAGS = re.compile(
    rb"<(?:\s*(?:script|html|body|iframe|frameset|object|embed|applet|!doctype\s+html)[\s>/]"
    rb"|svg[\s>]|\?php|meta\s+http-equiv)"
)
_LOWER_SCRIPT = re.compile(rb"script:")
_LOWER_EVENTS = re.compile(rb"on(?:load|error)\s*=")


def _word_byte(byte: int) -> bool:
    return byte == 0x5F or 0x30 <= byte <= 0x39 or 0x61 <= byte <= 0x7A or 0x41 <= byte <= 0x5A


def _marker_start(lowered: bytes) -> int:
    """Where the first match of _ACTIVE_MARKERS starts in the file whose lowered copy is
    `lowered`, or -1."""
    starts = []
    tag = _LOWER_TAGS.search(lowered)
    if tag is not None:
        starts.append(tag.start())
    found = _LOWER_SCRIPT.search(lowered)
    while found is not None:  # "javascript:" or "vbscript:"
        at = found.start()
        if lowered.endswith(b"java", 0, at):
            starts.append(at - 4)
            break
        if lowered.endswith(b"vb", 0, at):
            starts.append(at - 2)
            break
        found = _LOWER_SCRIPT.search(lowered, at + 1)
    found = _LOWER_EVENTS.search(lowered)
    while found is not None:  # \bon…: not right after a letter, digit or underscore
        at = found.start()
        if at == 0 or not _word_byte(lowered[at - 1]):
            starts.append(at)
            break
        found = _LOWER_EVENTS.search(lowered, at + 1)
    return min(starts, default=-1)


def active_marker(data: bytes) -> re.Match[bytes] | None:
    """The first web page or script marker in `data` (_ACTIVE_MARKERS), if any."""
    start = _marker_start(data.lower())
    if start < 0:
        return None
    return _ACTIVE_MARKERS.match(data, start)


def _may_be_foreign(data: bytes) -> bool:
    """False when `data` has no web page or script marker and no other format's signature
    after offset 0 (step 1 above); True when it may."""
    folded = data.translate(_FOLD)
    return bool(
        _FOLDED_SIGNATURES.search(folded, 1)
        or _FOLDED_TAGS.search(folded)
        or _FOLDED_EVENTS.search(folded)
        or folded.startswith(_FOLDED_SCRIPTS)
    )


def foreign_content(data: bytes) -> str:
    """What else `data` is besides its own format ("" when nothing): web page or script
    markers anywhere, a ZIP archive, or another format's signature after offset 0."""
    if _may_be_foreign(data):
        return _exact_foreign_content(data)
    return "also a ZIP archive" if zipfile.is_zipfile(io.BytesIO(data)) else ""


def _exact_foreign_content(data: bytes) -> str:
    marker = active_marker(data)
    if marker:
        return f"active marker {marker.group(0)[:20]!r} at {marker.start()}"
    if zipfile.is_zipfile(io.BytesIO(data)):
        return "also a ZIP archive"
    for signature, name in _FOREIGN_SIGNATURES:
        at = data.find(signature, 1)
        if at > 0:
            return f"{name} signature at {at}"
    return ""


def _trailing_verdict(tail: bytes, *, after: str, limit: int | None) -> Rejected | None:
    """Bytes after a format's end. Another format's signature there is a polyglot. Otherwise a
    little padding is common; beyond `limit` bytes (None: no limit, for images whose re-encoding
    drops the tail, such as the video a phone's "motion photo" appends) it is refused."""
    junk = tail.strip(b" \t\r\n\x00\x0c")
    if not junk:
        return None
    for signature, name in _TRAILING_SIGNATURES:
        if junk.startswith(signature) or (len(signature) > 2 and signature in junk):
            return Rejected(Reason.POLYGLOT, f"{name} after {after}")
    if limit is not None and len(junk) > limit:
        return Rejected(Reason.TRAILING_DATA, f"{len(junk)} bytes after {after}")
    return None


# --- PDF ----------------------------------------------------------------------------------------

# Raw names, as a second look at what qpdf may not reach (objects outside the cross-reference
# table, which another reader could still recover).
_RAW_ACTIVE_NAMES = re.compile(
    rb"/(?:JavaScript|JS|Launch|AA|RichMedia|ImportData|SubmitForm|GoToR|GoToE)(?![A-Za-z0-9#])"
)
_RAW_EMBEDDED_NAMES = re.compile(rb"/(?:EmbeddedFiles?|EF|FileAttachment)(?![A-Za-z0-9#])")
_RAW_XFA = re.compile(rb"/XFA(?![A-Za-z0-9#])")
# All three in one pass (one literal first byte, "/"): the three, each in its own pass, only
# when it finds one of them.
_RAW_NAMES = re.compile(
    rb"/(?:JavaScript|JS|Launch|AA|RichMedia|ImportData|SubmitForm|GoToR|GoToE"
    rb"|EmbeddedFiles?|EF|FileAttachment|XFA)(?![A-Za-z0-9#])"
)
# Action types that run code, open other files or programs, or send data.
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToR",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
}
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA"}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}
_EMBEDDED_TYPES = {"/EmbeddedFile", "/FileAttachment", "/3D", "/Movie", "/Sound"}
# Annotations that play Flash or video through a reader's plug-in, scripts and all.
_ACTIVE_TYPES = {"/RichMedia", "/Screen"}
_MAX_DEPTH = 64


def _inspect_pdf(data: bytes) -> Verdict:
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        return Rejected(Reason.DAMAGED, "no %%EOF: cut short")
    trailing = _trailing_verdict(data[eof + 5 :], after="%%EOF", limit=1024)
    if trailing is not None:
        return trailing
    raw = _raw_pdf_verdict(data)
    if raw is not None:
        return raw
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return _parsed_pdf_verdict(pdf, data)
    except pikepdf.PasswordError:
        return Rejected(Reason.ENCRYPTED, "needs a password")
    except Exception as exc:  # any parser failure on hostile bytes is a refusal, never a 500
        return Rejected(Reason.DAMAGED, f"qpdf: {type(exc).__name__}: {str(exc)[:120]}")


def _raw_pdf_verdict(data: bytes) -> Rejected | None:
    if _RAW_NAMES.search(data) is None:
        return None
    for pattern, reason in (
        (_RAW_ACTIVE_NAMES, Reason.ACTIVE_CONTENT),
        (_RAW_EMBEDDED_NAMES, Reason.EMBEDDED_FILES),
        (_RAW_XFA, Reason.XFA),
    ):
        found = pattern.search(data)
        if found:
            return Rejected(reason, f"raw name {found.group(0).decode('latin-1')}")
    return None


def _parsed_pdf_verdict(pdf: pikepdf.Pdf, data: bytes) -> Verdict:
    if pdf.is_encrypted:
        return Rejected(Reason.ENCRYPTED, "encrypted (owner password)")
    if len(pdf.pages) == 0:
        return Rejected(Reason.DAMAGED, "no pages")
    open_action = pdf.Root.get("/OpenAction")
    if open_action is not None and not isinstance(open_action, pikepdf.Array):
        return Rejected(Reason.ACTIVE_CONTENT, "/OpenAction is an action, not a destination")
    for obj in pdf.objects:
        found = _object_verdict(obj, 0)
        if found is not None:
            return found
    return Accepted(PDF, data)


def _dictionaries(obj: pikepdf.Object, depth: int) -> Iterator[pikepdf.Dictionary]:
    """Every dictionary in `obj` and in its direct children (indirect ones are walked on
    their own from pdf.objects, so cycles end here)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(obj, pikepdf.Stream):
        yield obj.stream_dict
        return
    if isinstance(obj, pikepdf.Dictionary):
        yield obj
        children = obj.values()
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
            yield from _dictionaries(child, depth + 1)


def _named(dictionary: pikepdf.Dictionary, keys: set[str], key: str) -> str:
    """``str(dictionary.get(key, ""))``, asking pikepdf (a call into C++ each) only for a key
    the dictionary has: most have no /S, many no /Type or /Subtype."""
    return str(dictionary[key]) if key in keys else ""


def _object_verdict(obj: pikepdf.Object, depth: int) -> Rejected | None:
    for dictionary in _dictionaries(obj, depth):
        keys = set(dictionary.keys())
        if keys & _ACTIVE_KEYS:
            return Rejected(Reason.ACTIVE_CONTENT, f"key {sorted(keys & _ACTIVE_KEYS)[0]}")
        action = _named(dictionary, keys, "/S")
        if action in _ACTIVE_ACTIONS:
            return Rejected(Reason.ACTIVE_CONTENT, f"action {action}")
        if keys & _EMBEDDED_KEYS:
            return Rejected(Reason.EMBEDDED_FILES, f"key {sorted(keys & _EMBEDDED_KEYS)[0]}")
        kinds = {_named(dictionary, keys, "/Type"), _named(dictionary, keys, "/Subtype")}
        if kinds & _ACTIVE_TYPES:
            return Rejected(Reason.ACTIVE_CONTENT, f"type {sorted(kinds & _ACTIVE_TYPES)[0]}")
        if kinds & _EMBEDDED_TYPES:
            return Rejected(Reason.EMBEDDED_FILES, f"type {sorted(kinds & _EMBEDDED_TYPES)[0]}")
        if "/XFA" in keys:
            return Rejected(Reason.XFA, "AcroForm /XFA")
    return None


# --- Images -------------------------------------------------------------------------------------


def _inspect_image(data: bytes, mime: str, max_pixels: int) -> Verdict:
    end = _png_end(data) if mime == PNG else _jpeg_end(data)
    if end is None:
        return Rejected(Reason.DAMAGED, "no end of image: cut short or malformed")
    trailing = _trailing_verdict(data[end:], after="end of image", limit=None)
    if trailing is not None:
        return trailing
    try:
        with warnings.catch_warnings():
            # Our own limit, below Pillow's, decides; Pillow's warnings about odd tags or sizes
            # in hostile files would only be noise.
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[mime]]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    return Rejected(Reason.TOO_MANY_PIXELS, f"{width}×{height}")
                image.load()
                return Accepted(mime, _reencode(image, mime))
    except Image.DecompressionBombError as exc:
        return Rejected(Reason.TOO_MANY_PIXELS, str(exc)[:120])
    except Exception as exc:  # any decoder failure on hostile bytes is a refusal, never a 500
        return Rejected(Reason.DAMAGED, f"Pillow: {type(exc).__name__}: {str(exc)[:120]}")


def _reencode(image: Image.Image, mime: str) -> bytes:
    """The pixels only: turned upright by their EXIF orientation, then saved without EXIF,
    comments, text chunks or colour profile."""
    upright = ImageOps.exif_transpose(image) or image
    transparency = upright.info.get("transparency")
    upright.info = {}
    out = io.BytesIO()
    if mime == JPEG:
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90)
    else:
        options = {} if transparency is None else {"transparency": transparency}
        # Fast zlib: at the pixel limit, level 6 takes twice as long for a smaller file.
        upright.save(out, "PNG", compress_level=1, **options)
    return out.getvalue()


def _png_end(data: bytes) -> int | None:
    iend = data.rfind(b"IEND\xaeB`\x82")
    return None if iend < 0 else iend + 8


def _jpeg_end(data: bytes) -> int | None:
    """The offset just past the main image's EOI marker, found by walking the segments (an
    EXIF thumbnail inside APP1 has its own EOI, which the walk steps over)."""
    at, size = 2, len(data)
    while at + 1 < size:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
        elif marker == 0xD9:  # EOI
            return at + 2
        elif 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            at += 2
        elif at + 4 > size:
            return None
        else:
            at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
            if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
                at = _after_scan(data, at)
    return None


def _after_scan(data: bytes, at: int) -> int:
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte or restart marker
            at += 2
        else:
            return at
