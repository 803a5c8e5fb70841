"""List the functions in desk/ longer than ~50 lines (house style: split them).

    .venv/bin/python .ci/long_functions.py [LIMIT]

Test helpers that are mostly data (a workflow defined for the tests, a browser walk) may stay
long; production code should not appear in this list.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def long_functions(root: Path, limit: int) -> list[tuple[int, str, str]]:
    rows = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    rows.append((length, f"{path}:{node.lineno}", node.name))
    return sorted(rows, reverse=True)


if __name__ == "__main__":
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    for length, where, name in long_functions(
        Path(__file__).resolve().parent.parent / "desk", limit
    ):
        print(f"{length:4d}  {where}  {name}")
