"""Persian PDFs with WeasyPrint: Vazirmatn from node_modules, a QR code, nothing from the network.

WeasyPrint lays text out with Pango and HarfBuzz, which shape Arabic script (joined letters,
right-to-left runs) as a browser does; the document's own HTML sets ``dir="rtl"``.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

FONT_FILES = {400: "Vazirmatn-Regular.ttf", 700: "Vazirmatn-Bold.ttf"}


def font_dir() -> Path:
    return Path(settings.NODE_MODULES) / "vazirmatn" / "fonts" / "ttf"


def font_faces() -> list[dict[str, Any]]:
    """The @font-face rules' weights and file:// URLs; fails loudly without the font files,
    since a Persian PDF in a fallback font is not a document anyone should receive."""
    faces = []
    for weight, name in FONT_FILES.items():
        path = font_dir() / name
        if not path.is_file():
            raise ImproperlyConfigured(f"{path} is missing: run `npm ci` (package.json: vazirmatn)")
        faces.append({"weight": weight, "url": path.as_uri()})
    return faces


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI (vector, so it prints sharp at any size)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    allowed_dir = font_dir().resolve()

    class LocalOnly(URLFetcher):
        """data: URIs and the font files; never the network, never another local file."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not path.is_relative_to(allowed_dir):
                    raise ValueError(f"Refused to read {url} while rendering a PDF")
            elif parts.scheme != "data":
                raise ValueError(f"Refused to fetch {url} while rendering a PDF")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file", "data"}, fail_on_errors=True)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes."""
    # Imported here: WeasyPrint loads Pango and its fonts, which only PDF-making code needs.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template_name, {**context, "font_faces": font_faces()})
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(font_dir()), url_fetcher=_url_fetcher())
    pdf: bytes = document.write_pdf(font_config=fonts)
    return pdf
