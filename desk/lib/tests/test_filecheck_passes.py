"""The upload check reads a file for web page markers, other formats' signatures and a PDF's raw
names in a few quick passes (desk/lib/filecheck.py, issue 19 part 5). Its verdicts are exactly
those of the plain reading it replaced, which lives here as the reference: the same decision,
the same marker or signature, at the same offset, on thousands of crafted and random inputs."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Iterator

import pikepdf
from django.test import SimpleTestCase

from desk.lib import filecheck, upload_corpus
from desk.lib.upload_corpus import image, pdf

# --- The reference: the reading before the passes, word for word ------------------------------

REFERENCE_MARKERS = re.compile(
    rb"<\s*(?:script|html|body|iframe|frameset|object|embed|applet|!doctype\s+html)[\s>/]"
    rb"|<svg[\s>]|<\?php|<meta\s+http-equiv|javascript:|vbscript:|\bon(?:load|error)\s*=",
    re.IGNORECASE,
)
REFERENCE_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE (Office)"),
)
REFERENCE_RAW = (
    (
        re.compile(
            rb"/(?:JavaScript|JS|Launch|AA|RichMedia|ImportData|SubmitForm|GoToR|GoToE)"
            rb"(?![A-Za-z0-9#])"
        ),
        filecheck.Reason.ACTIVE_CONTENT,
    ),
    (
        re.compile(rb"/(?:EmbeddedFiles?|EF|FileAttachment)(?![A-Za-z0-9#])"),
        filecheck.Reason.EMBEDDED_FILES,
    ),
    (re.compile(rb"/XFA(?![A-Za-z0-9#])"), filecheck.Reason.XFA),
)


def reference_object_verdict(obj: pikepdf.Object, depth: int) -> filecheck.Rejected | None:
    """The walk of a parsed PDF's objects as it was, every value asked of pikepdf."""
    reason = filecheck.Reason
    for dictionary in filecheck._dictionaries(obj, depth):
        keys = set(dictionary.keys())
        if keys & filecheck._ACTIVE_KEYS:
            found = sorted(keys & filecheck._ACTIVE_KEYS)[0]
            return filecheck.Rejected(reason.ACTIVE_CONTENT, f"key {found}")
        action = str(dictionary.get("/S", ""))
        if action in filecheck._ACTIVE_ACTIONS:
            return filecheck.Rejected(reason.ACTIVE_CONTENT, f"action {action}")
        if keys & filecheck._EMBEDDED_KEYS:
            found = sorted(keys & filecheck._EMBEDDED_KEYS)[0]
            return filecheck.Rejected(reason.EMBEDDED_FILES, f"key {found}")
        kinds = {str(dictionary.get("/Type", "")), str(dictionary.get("/Subtype", ""))}
        if kinds & filecheck._ACTIVE_TYPES:
            found = sorted(kinds & filecheck._ACTIVE_TYPES)[0]
            return filecheck.Rejected(reason.ACTIVE_CONTENT, f"type {found}")
        if kinds & filecheck._EMBEDDED_TYPES:
            found = sorted(kinds & filecheck._EMBEDDED_TYPES)[0]
            return filecheck.Rejected(reason.EMBEDDED_FILES, f"type {found}")
        if "/XFA" in keys:
            return filecheck.Rejected(reason.XFA, "AcroForm /XFA")
    return None


def reference_foreign_content(data: bytes) -> str:
    marker = REFERENCE_MARKERS.search(data)
    if marker:
        return f"active marker {marker.group(0)[:20]!r} at {marker.start()}"
    if zipfile.is_zipfile(io.BytesIO(data)):
        return "also a ZIP archive"
    for signature, name in REFERENCE_SIGNATURES:
        at = data.find(signature, 1)
        if at > 0:
            return f"{name} signature at {at}"
    return ""


def reference_raw_verdict(data: bytes) -> filecheck.Rejected | None:
    for pattern, reason in REFERENCE_RAW:
        found = pattern.search(data)
        if found:
            return filecheck.Rejected(reason, f"raw name {found.group(0).decode('latin-1')}")
    return None


# --- Inputs ---------------------------------------------------------------------------------

WHITESPACE = (b"", b" ", b"\t", b"\n", b"\r\n", b"\x0b", b"\x0c", b"  \t\n")
TAG_WORDS = (b"script", b"html", b"body", b"iframe", b"frameset", b"object", b"embed", b"applet")
ENDS = (b" ", b">", b"/", b"\n", b"x", b"", b"\x00")


def markers(rng: random.Random) -> Iterator[bytes]:
    """Every alternative of the markers, with the whitespace and endings it allows and some
    it does not, and near misses."""
    for word in (*TAG_WORDS, b"!doctype html", b"!doctype\t\nhtml", b"!doctypehtml"):
        for space in WHITESPACE:
            for end in ENDS:
                yield b"<" + space + word + end
    for end in ENDS:
        yield b"<svg" + end
        yield b"< svg" + end
        yield b"<?php" + end
        yield b"< ?php" + end
    for space in WHITESPACE:
        yield b"<meta" + space + b"http-equiv"
        yield b"<meta" + space + b"http-equi"
    for space in (b"", b" ", b"\t\n"):
        for before in (b"", b" ", b"a", b"_", b"9", b"Z", b"-", b"\xff", b"\x00", b"<", b"o"):
            for word in (b"onload", b"onerror", b"onloa", b"onerro", b"on load", b"onerrorr"):
                for end in (b"=", b"", b"x=", b" ="):
                    yield before + word + space + end
    for word in (b"javascript:", b"vbscript:", b"javascript", b"vbscript", b"java script:"):
        for before in (b"", b"x", b"java", b"vb", b" ", b"j", b"v"):
            yield before + word
    yield b"script:"
    yield b"ascript:"
    yield b"bscript:"


def cased(data: bytes, rng: random.Random) -> bytes:
    """`data` with each ASCII letter in upper or lower case at random."""
    return bytes(
        byte ^ 0x20
        if (0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A) and rng.random() < 0.5
        else byte
        for byte in data
    )


def signatures() -> Iterator[bytes]:
    for signature, _name in REFERENCE_SIGNATURES:
        yield signature
        yield signature[:-1]  # cut short
        yield signature.lower()
        yield signature.upper()
    yield b"7zXZ\x00"
    yield b"\xfd7zXZ"
    yield b"GIF88a"


FILLERS = (
    b"",
    b"0" * 64,
    bytes(range(256)),
    b"<< /Type /Page /Font /F1 >> BT (The quick brown fox jumps over a lazy dog) Tj ET\n",
)


def placed(piece: bytes, filler: bytes) -> Iterator[bytes]:
    """`piece` at the start, one byte in, in the middle and at the end of `filler`."""
    yield piece
    yield piece + filler
    yield b"A" + piece + filler
    yield filler + piece + filler
    yield filler + piece
    yield filler + piece[:-1]


def crafted() -> Iterator[bytes]:
    rng = random.Random(1404)
    pieces = [*markers(rng), *signatures()]
    for piece in pieces:
        for variant in (piece, cased(piece, rng)):
            yield from placed(variant, rng.choice(FILLERS))
    # Two of them, in either order: the first marker wins, and the first signature by its
    # place in the list, wherever it is.
    for _ in range(3000):
        first, second = rng.choice(pieces), rng.choice(pieces)
        filler = rng.choice(FILLERS)
        yield rng.choice(filecheck._MAGIC)[0] + filler + first + filler + second


def some_pieces(rng: random.Random, count: int) -> list[bytes]:
    return rng.sample([*markers(rng), *signatures()], count)


# Fragments that spell markers and signatures, to make dense near misses of random bytes.
SPELLING = (
    b"<",
    b" ",
    b"\t",
    b"/",
    b">",
    b"=",
    b":",
    b"on",
    b"load",
    b"error",
    b"java",
    b"vb",
    b"script",
    b"svg",
    b"?php",
    b"meta",
    b"http-equiv",
    b"!doctype",
    b"html",
    b"%",
    b"PDF-",
    b"GIF8",
    b"7",
    b"a",
    b"z",
    b"\xbc\xaf'\x1c",
    b"Rar!",
    b"\xfd",
    b"XZ\x00",
    b"\x89PNG",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"PK\x05\x06",
)


def random_inputs() -> Iterator[bytes]:
    rng = random.Random(19)
    for _ in range(1500):
        yield rng.randbytes(rng.randrange(0, 3000))
    for _ in range(4000):
        parts = [rng.choice(SPELLING) for _ in range(rng.randrange(1, 24))]
        data = b"".join(cased(part, rng) if rng.random() < 0.3 else part for part in parts)
        yield data
        yield rng.randbytes(rng.randrange(0, 40)) + data + rng.randbytes(rng.randrange(0, 40))


def raw_names() -> Iterator[bytes]:
    names = (
        b"JavaScript",
        b"JS",
        b"Launch",
        b"AA",
        b"RichMedia",
        b"ImportData",
        b"SubmitForm",
        b"GoToR",
        b"GoToE",
        b"EmbeddedFiles",
        b"EmbeddedFile",
        b"EF",
        b"FileAttachment",
        b"XFA",
        b"AAAAAA+Calibri",
        b"Type",
        b"Javascript",
    )
    after = (b"", b" ", b"/", b"a", b"Z", b"0", b"#", b"(", b"\x00", b">>", b"s")
    rng = random.Random(5)
    for name in names:
        for end in after:
            for filler in FILLERS:
                yield filler + b"/" + name + end + filler
                yield filler + b"/" + cased(name, rng) + end
    for _ in range(500):
        first, second = rng.choice(names), rng.choice(names)
        yield b"<< /" + first + rng.choice(after) + b" /" + second + rng.choice(after) + b">>"


# --- The tests ------------------------------------------------------------------------------


class PassesTests(SimpleTestCase):
    def assert_as_before(self, data: bytes) -> None:
        self.assertEqual(
            filecheck.foreign_content(data), reference_foreign_content(data), repr(data[:200])
        )
        found, expected = filecheck.active_marker(data), REFERENCE_MARKERS.search(data)
        self.assertEqual(
            (found.start(), found.group(0)) if found else None,
            (expected.start(), expected.group(0)) if expected else None,
            repr(data[:200]),
        )

    def test_every_marker_alternative_is_found_where_it_was(self) -> None:
        count = 0
        for data in crafted():
            self.assert_as_before(data)
            count += 1
        self.assertGreater(count, 15_000)

    def test_random_bytes_and_near_misses_read_as_before(self) -> None:
        for data in random_inputs():
            self.assert_as_before(data)

    def test_markers_and_signatures_deep_in_a_large_file_are_found(self) -> None:
        rng = random.Random(7)
        large = (
            pdf(pages=2),
            bytes(200 * 1024),
            rng.randbytes(200 * 1024),
            b"%PDF-1.4\n" + b"(Program version 2) Tj\n" * 9000,
        )
        for body in large:
            self.assert_as_before(body)
            for piece in some_pieces(rng, 40):
                self.assert_as_before(body + piece)
                self.assert_as_before(body[:-50] + piece + body[-50:])

    def test_a_zip_archive_is_still_seen_behind_the_quick_look(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.txt", "salaam")
        for start in (pdf(), image("PNG", (8, 8)), b"%PDF-1.4\n"):
            self.assert_as_before(start + buffer.getvalue())
            self.assert_as_before(start + buffer.getvalue() + b"<script>")

    def test_raw_pdf_names_are_found_as_before(self) -> None:
        for data in raw_names():
            self.assertEqual(
                filecheck._raw_pdf_verdict(data), reference_raw_verdict(data), repr(data[:200])
            )

    def test_whole_verdicts_of_marked_files_are_as_before(self) -> None:
        rng = random.Random(11)
        for start in (pdf(), image("JPEG", (16, 16)), image("PNG", (8, 8))):
            for piece in some_pieces(rng, 150):
                data = start[:40] + piece + start[40:]
                verdict = filecheck.inspect(data)
                foreign = reference_foreign_content(data)
                if foreign:
                    self.assertEqual(
                        verdict, filecheck.Rejected(filecheck.Reason.POLYGLOT, foreign)
                    )
                else:
                    self.assertNotEqual(getattr(verdict, "reason", None), filecheck.Reason.POLYGLOT)

    def test_every_object_of_the_corpus_pdfs_is_judged_as_before(self) -> None:
        documents = [sample.data for sample in upload_corpus.build() if sample.data[:5] == b"%PDF-"]
        documents += [pdf(pages=60), pdf(object_streams=True)]
        walked = 0
        for data in documents:
            try:
                opened = pikepdf.open(io.BytesIO(data))
            except Exception:  # refused before the walk: nothing to compare
                continue
            with opened as document:
                for obj in document.objects:
                    self.assertEqual(
                        filecheck._object_verdict(obj, 0), reference_object_verdict(obj, 0)
                    )
                    walked += 1
        self.assertGreater(walked, 500)
