"""The layering of docs/architecture.md is checked by import-linter ([tool.importlinter] in
pyproject.toml, run by `make lint`): the contracts hold today, and an import that points up a
layer breaks them. The second test runs the linter on a copy of the tree with such an import
added, so a change that weakens the contracts (an ignore too wide, a layer left out) shows."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

LINT_IMPORTS = Path(settings.BASE_DIR) / ".venv" / "bin" / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts of ``root``/pyproject.toml over ``root``/desk (the working directory
    comes first on lint-imports' path)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


class LayerContractTests(SimpleTestCase):
    def setUp(self) -> None:
        super().setUp()
        if not LINT_IMPORTS.exists():
            self.skipTest("import-linter is a dev dependency (pip install -e '.[dev]')")

    def copy_of_the_tree(self) -> Path:
        tmp = tempfile.TemporaryDirectory(prefix="desk-layers-")
        self.addCleanup(tmp.cleanup)
        root = Path(tmp.name)
        base = Path(settings.BASE_DIR)
        shutil.copy(base / "pyproject.toml", root / "pyproject.toml")
        shutil.copytree(
            base / "desk",
            root / "desk",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        return root

    def test_the_contracts_hold(self) -> None:
        result = lint_imports(Path(settings.BASE_DIR))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("0 broken", result.stdout)

    def test_an_import_up_a_layer_breaks_the_contracts(self) -> None:
        # notifications (identity, tenancy and messages) reaching up to a request, and lib
        # reaching Django-aware code: both are what the layering forbids.
        for module, back_edge, shown in (
            (
                "notifications/selectors.py",
                "from desk.submissions import models as _up  # noqa",
                "desk.notifications.selectors -> desk.submissions.models",
            ),
            (
                "lib/jalali.py",
                "from desk.core import errors as _up  # noqa",
                "desk.lib.jalali -> desk.core.errors",
            ),
        ):
            with self.subTest(module=module):
                root = self.copy_of_the_tree()
                with (root / "desk" / module).open("a", encoding="utf-8") as f:
                    f.write(f"\n{back_edge}\n")
                result = lint_imports(root)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertIn("BROKEN", result.stdout)
                self.assertIn(shown, result.stdout)
