"""First load of a citizen page stays under 150 KB compressed (the issue's budget for cheap
phones): the HTML and everything it links — style sheets, scripts, and the fonts those style
sheets load — each gzip-compressed as the production server sends them (woff2 as it is).

``python manage.py test desk.tests.test_page_weight -v 2`` prints the figures (docs/page-weight.md).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from desk.test import BaseTestCase

BUDGET = 150 * 1024
_LINKED = re.compile(r'(?:href|src)="/static/([^"]+)"')
_CSS_URL = re.compile(r'url\("?([^")]+\.woff2)"?\)')


def sent_size(path: str) -> int:
    """Bytes on the wire for a static file: gzip except for already-compressed fonts."""
    found = finders.find(path)
    assert isinstance(found, str), path
    data = Path(found).read_bytes()
    return len(data) if path.endswith(".woff2") else len(gzip.compress(data, 9))


def assets_of(html: str) -> set[str]:
    """The static files a page loads: what it links, and the fonts its style sheets use."""
    linked = {p for p in _LINKED.findall(html) if not p.endswith(".svg")}
    fonts = set()
    for css in (p for p in linked if p.endswith(".css")):
        found = finders.find(css)
        assert isinstance(found, str), css
        folder = Path(css).parent
        for url in _CSS_URL.findall(Path(found).read_text(encoding="utf-8")):
            fonts.add(str(folder / url))
    # ../ in a style sheet's url() climbs from its folder.
    return linked | {_collapse(f) for f in fonts}


def _collapse(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


@override_settings(DEBUG=False)
class PageWeightTests(BaseTestCase):
    def weigh(self, url: str) -> tuple[int, dict[str, int]]:
        html = self.client.get(url).content
        sizes = {"(html)": len(gzip.compress(html, 9))}
        sizes.update({p: sent_size(p) for p in sorted(assets_of(html.decode()))})
        return sum(sizes.values()), sizes

    def test_a_citizen_page_loads_in_under_150_kb_compressed(self) -> None:
        self.client.force_login(self.citizen)
        for url in (
            reverse("catalog:home"),
            reverse("catalog:service_detail", args=[self.service.slug]),
            reverse("submissions:apply", args=[self.service.slug]),
            reverse("submissions:track"),
        ):
            with self.subTest(url=url):
                total, sizes = self.weigh(url)
                detail = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items())
                print(f"\n{url}: {total / 1024:.1f} KB — {detail}")
                self.assertLessEqual(total, BUDGET, detail)
                self.assertTrue(any(p.endswith(".woff2") for p in sizes), "no font counted")
