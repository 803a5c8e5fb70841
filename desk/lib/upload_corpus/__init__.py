"""A hostile upload corpus, generated in code: files that must be refused, and files that must
be accepted, each named the way a citizen (or an attacker) would name it.

Used by the upload tests and by ``manage.py upload_corpus_report``; nothing binary is kept in
git. Every sample is built from scratch with pikepdf, Pillow and the standard library, so the
corpus grows by adding a line, and its figures are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from desk.lib.upload_corpus.make import Sample, image, jpeg_declaring, pdf, png_declaring
from desk.lib.upload_corpus.pdf_traps import encrypted_samples, pdf_trap_samples
from desk.lib.upload_corpus.traps import (
    bomb_samples,
    disguised_samples,
    eicar_samples,
    polyglot_samples,
    stub_samples,
    truncated_samples,
)
from desk.lib.upload_corpus.valid import valid_samples


def build() -> list[Sample]:
    """The whole corpus, in a fixed order."""
    families: tuple[Callable[[], Iterator[Sample]], ...] = (
        eicar_samples,
        pdf_trap_samples,
        encrypted_samples,
        polyglot_samples,
        stub_samples,
        bomb_samples,
        disguised_samples,
        truncated_samples,
        valid_samples,
    )
    return [sample for family in families for sample in family()]


__all__ = [
    "Sample",
    "bomb_samples",
    "build",
    "disguised_samples",
    "eicar_samples",
    "encrypted_samples",
    "image",
    "jpeg_declaring",
    "pdf",
    "pdf_trap_samples",
    "png_declaring",
    "polyglot_samples",
    "stub_samples",
    "truncated_samples",
    "valid_samples",
]
