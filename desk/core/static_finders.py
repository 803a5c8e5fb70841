"""Static files from npm packages: only the files the pages use, served from node_modules.

``collectstatic`` used to copy whole packages (every font variant, source maps, unused builds:
122 MB). ``STATIC_PACKAGE_FILES`` names, per URL prefix, the package folder and the few files
taken from it; nothing else of node_modules is served or collected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


class PackageFilesFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storages: dict[str, FileSystemStorage] = {}
        self.files: dict[str, list[str]] = {}
        for prefix, (folder, names) in settings.STATIC_PACKAGE_FILES.items():
            storage = FileSystemStorage(location=Path(settings.NODE_MODULES) / folder)
            storage.prefix = prefix  # type: ignore[attr-defined]
            self.storages[prefix] = storage
            self.files[prefix] = list(names)

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [
            f"{prefix}/{name}"
            for prefix, names in self.files.items()
            for name in names
            if not self.storages[prefix].exists(name)
        ]
        if not missing:
            return []
        hint = "Run `npm ci` (package-lock.json) to install the front-end packages."
        return [Error(f"missing front-end files: {', '.join(missing)}", hint=hint, id="desk.E101")]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        find_all = find_all or bool(kwargs.get("all"))
        found = [p for p in self._paths(path) if Path(p).is_file()]
        if find_all:
            return found
        return found[0] if found else []

    def _paths(self, path: str) -> Iterator[str]:
        for prefix, names in self.files.items():
            name = path.removeprefix(prefix + "/")
            if path.startswith(prefix + "/") and name in names:
                yield self.storages[prefix].path(name)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, names in self.files.items():
            for name in names:
                if self.storages[prefix].exists(name):
                    yield name, self.storages[prefix]
