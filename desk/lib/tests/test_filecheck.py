from __future__ import annotations

import io
import random
from collections import Counter

from django.test import SimpleTestCase
from PIL import Image

from desk.lib import filecheck, upload_corpus
from desk.lib.antivirus import FakeScanner
from desk.lib.filecheck import Accepted, Reason, Rejected
from desk.lib.upload_corpus import image, pdf


def reason_of(data: bytes, **options: int) -> Reason | None:
    verdict = filecheck.inspect(data, **options)
    return verdict.reason if isinstance(verdict, Rejected) else None


class PdfTests(SimpleTestCase):
    def test_it_accepts_a_plain_pdf_byte_for_byte(self) -> None:
        document = pdf(pages=2)
        verdict = filecheck.inspect(document)
        self.assertEqual(verdict, Accepted(filecheck.PDF, document))
        assert isinstance(verdict, Accepted)
        self.assertEqual(verdict.extension, "pdf")

    def test_it_refuses_javascript_even_inside_compressed_object_streams(self) -> None:
        for sample in upload_corpus.pdf_trap_samples():
            if sample.family == "pdf-active":
                with self.subTest(sample.name):
                    self.assertEqual(reason_of(sample.data), Reason.ACTIVE_CONTENT)

    def test_it_refuses_embedded_files_and_xfa(self) -> None:
        expected = {"pdf-embedded": Reason.EMBEDDED_FILES, "pdf-xfa": Reason.XFA}
        for sample in upload_corpus.pdf_trap_samples():
            if sample.family in expected:
                with self.subTest(sample.name):
                    self.assertEqual(reason_of(sample.data), expected[sample.family])

    def test_it_refuses_encrypted_pdfs_with_or_without_a_user_password(self) -> None:
        for sample in upload_corpus.encrypted_samples():
            with self.subTest(sample.name):
                self.assertEqual(reason_of(sample.data), Reason.ENCRYPTED)

    def test_it_lets_a_pdf_open_at_a_page_but_not_run_an_open_action(self) -> None:
        valid = {s.name: s.data for s in upload_corpus.valid_samples()}
        self.assertIsNone(reason_of(valid["opens-at-first-page.pdf"]))
        self.assertIsNone(reason_of(valid["with-link.pdf"]))

    def test_it_refuses_a_cut_short_pdf_and_a_magic_only_stub(self) -> None:
        document = pdf(pages=3)
        self.assertEqual(reason_of(document[: len(document) // 2]), Reason.DAMAGED)
        self.assertEqual(reason_of(b"%PDF-"), Reason.DAMAGED)
        self.assertEqual(reason_of(b"%PDF-1.7\n%%EOF\n"), Reason.DAMAGED)

    def test_it_allows_padding_after_eof_but_not_a_payload(self) -> None:
        document = pdf()
        self.assertIsNone(reason_of(document + b"\r\n\x00\x00"))
        self.assertEqual(reason_of(document + b"PK\x03\x04" + b"x" * 40), Reason.POLYGLOT)
        self.assertEqual(reason_of(document + b"\x01" * 2000), Reason.TRAILING_DATA)


class ImageTests(SimpleTestCase):
    def test_it_reencodes_a_photo_without_its_exif_and_gps_position(self) -> None:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif.get_ifd(0x8825)[2] = (35.0, 41.0, 22.0)
        original = image("JPEG", (64, 48), exif=exif, comment=b"taken at home")
        verdict = filecheck.inspect(original)
        assert isinstance(verdict, Accepted)
        self.assertNotEqual(verdict.content, original)
        self.assertNotIn(b"PhoneMaker", verdict.content)
        self.assertNotIn(b"taken at home", verdict.content)
        with Image.open(io.BytesIO(verdict.content)) as stored:
            self.assertEqual((stored.format, stored.size), ("JPEG", (64, 48)))
            self.assertEqual(len(stored.getexif()), 0)

    def test_it_turns_a_rotated_camera_photo_upright_before_dropping_the_tag(self) -> None:
        exif = Image.Exif()
        exif[0x0112] = 6
        verdict = filecheck.inspect(image("JPEG", (64, 48), exif=exif))
        assert isinstance(verdict, Accepted)
        with Image.open(io.BytesIO(verdict.content)) as stored:
            self.assertEqual(stored.size, (48, 64))

    def test_it_keeps_png_transparency_and_drops_text_chunks(self) -> None:
        samples = {s.name: s.data for s in upload_corpus.valid_samples()}
        verdict = filecheck.inspect(samples["palette-transparent.png"])
        assert isinstance(verdict, Accepted)
        with Image.open(io.BytesIO(verdict.content)) as stored:
            self.assertIn("transparency", stored.info)
        verdict = filecheck.inspect(samples["with-plain-text.png"])
        assert isinstance(verdict, Accepted)
        self.assertNotIn(b"Scanner 2.1", verdict.content)

    def test_it_refuses_a_decompression_bomb_from_its_header(self) -> None:
        bomb = upload_corpus.png_declaring(20000, 20000, full=True)
        self.assertLess(len(bomb), 200_000)
        self.assertEqual(reason_of(bomb), Reason.TOO_MANY_PIXELS)
        self.assertEqual(
            reason_of(upload_corpus.jpeg_declaring(65500, 65500)), Reason.TOO_MANY_PIXELS
        )

    def test_the_pixel_limit_is_a_setting_not_a_constant(self) -> None:
        picture = image("PNG", (100, 100))
        self.assertIsNone(reason_of(picture, max_pixels=10_000))
        self.assertEqual(reason_of(picture, max_pixels=9_999), Reason.TOO_MANY_PIXELS)

    def test_it_refuses_stubs_and_truncated_images(self) -> None:
        for stub in (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"):
            self.assertEqual(reason_of(stub), Reason.DAMAGED)
        photo = image("JPEG", (320, 240))
        self.assertEqual(reason_of(photo[: len(photo) // 2]), Reason.DAMAGED)

    def test_it_sees_the_end_of_a_jpeg_past_its_exif_thumbnail(self) -> None:
        thumbnail = image("JPEG", (8, 8))
        exif = Image.Exif()
        exif[0x010E] = "x"
        photo = image("JPEG", (64, 48), exif=exif)
        # An APP1 segment that carries a whole JPEG (as camera thumbnails do).
        app1 = b"\xff\xe1" + (len(thumbnail) + 2).to_bytes(2, "big") + thumbnail
        with_thumbnail = photo[:2] + app1 + photo[2:]
        self.assertIsNone(reason_of(with_thumbnail))
        self.assertEqual(reason_of(with_thumbnail + b"MZ\x90\x00"), Reason.POLYGLOT)


class PolyglotTests(SimpleTestCase):
    def test_it_refuses_html_in_or_after_every_format(self) -> None:
        for sample in upload_corpus.polyglot_samples():
            with self.subTest(sample.name):
                expected = {Reason.POLYGLOT, Reason.UNSUPPORTED, Reason.TRAILING_DATA}
                self.assertIn(reason_of(sample.data), expected)

    def test_it_refuses_what_only_pretends_by_its_name(self) -> None:
        for sample in upload_corpus.disguised_samples():
            with self.subTest(sample.name):
                self.assertIsInstance(filecheck.inspect(sample.data), Rejected)


class CorpusTests(SimpleTestCase):
    def test_the_corpus_is_large_and_every_verdict_is_right(self) -> None:
        scanner = FakeScanner()
        samples = upload_corpus.build()
        self.assertGreaterEqual(len(samples), 200)
        outcomes: Counter[str] = Counter()
        for sample in samples:
            verdict = filecheck.inspect(sample.data)
            accepted = isinstance(verdict, Accepted) and not scanner.scan(sample.data).infected
            outcomes["accepted" if accepted else "refused"] += 1
            self.assertEqual(accepted, sample.safe, sample.label)
        self.assertEqual(outcomes["accepted"], sum(s.safe for s in samples))

    def test_every_reason_has_a_persian_message(self) -> None:
        for reason in Reason:
            self.assertRegex(str(filecheck.message_for(reason)), "[\u0600-\u06ff]")


class MutationTests(SimpleTestCase):
    def test_a_pages_tree_qpdf_gives_up_on_is_refused(self) -> None:
        data = bytearray(pdf(pages=2))
        data[77], data[258] = 50, 101  # found by fuzzing: QpdfRuntimeError, once a 500
        self.assertEqual(reason_of(bytes(data)), Reason.DAMAGED)

    def test_damaged_files_are_refused_never_raised(self) -> None:
        """A bounded, seeded fuzz: random bytes changed in good files. Found a TypeError in
        Pillow's EXIF handling and a qpdf runtime error before every failure became a refusal."""
        exif = Image.Exif()
        exif[0x0112] = 6
        exif.get_ifd(0x8825)[2] = (35.0, 41.0, 22.0)
        seeds = [
            image("JPEG", (64, 48), exif=exif),
            image("PNG", (32, 32), mode="P", transparency=0),
            pdf(pages=2),
            pdf(object_streams=True),
        ]
        rng = random.Random(1404)
        for trial in range(400):
            data = bytearray(seeds[trial % len(seeds)])
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            verdict = filecheck.inspect(bytes(data))
            self.assertIsInstance(verdict, Accepted | Rejected)
