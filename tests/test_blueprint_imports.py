"""Blueprints stay apart: a blueprint's modules import no other blueprint,
only the shared modules beside them (facilitator/blueprints/*.py), and those
import no blueprint at all, so that no cycle between blueprints can form."""

from __future__ import annotations

import ast
from pathlib import Path

import facilitator.blueprints

ROOT = Path(facilitator.blueprints.__file__).parent
PREFIX = "facilitator.blueprints"
SHARED = {p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"}
PACKAGES = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}


def _imported(path: Path, package: str) -> set[str]:
    """The absolute names of the modules ``path`` imports (``package`` is the
    dotted package it belongs to, for relative imports)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return names


def _blueprint_part(name: str) -> str | None:
    """``x`` for ``facilitator.blueprints.x[...]``, else None."""
    if not name.startswith(PREFIX + "."):
        return None
    return name[len(PREFIX) + 1 :].split(".")[0]


def test_the_layout_is_what_the_rule_reads():
    assert {"meetings", "roles", "attendance", "groups", "account"} <= PACKAGES
    assert {"common", "feedback", "forms", "meeting_page"} <= SHARED


def test_no_blueprint_imports_another_blueprint():
    crossings = []
    for name in sorted(PACKAGES):
        for path in sorted((ROOT / name).rglob("*.py")):
            package = f"{PREFIX}.{name}" + (
                "." + ".".join(path.parent.relative_to(ROOT / name).parts)
                if path.parent != ROOT / name
                else ""
            )
            for module in _imported(path, package):
                other = _blueprint_part(module)
                if other is not None and other != name and other not in SHARED:
                    crossings.append(f"{path.relative_to(ROOT)} imports {module}")
    assert crossings == []


def test_the_shared_modules_import_no_blueprint():
    crossings = [
        f"{name}.py imports {module}"
        for name in sorted(SHARED)
        for module in _imported(ROOT / f"{name}.py", PREFIX)
        if _blueprint_part(module) in PACKAGES
    ]
    assert crossings == []


def test_the_rule_sees_relative_and_absolute_imports(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "from facilitator.blueprints.roles import forms\n"
        "from ..meetings import show\n"
        "from . import labels\n"
        "import facilitator.blueprints.attendance.forms\n"
    )
    names = _imported(module, f"{PREFIX}.groups")
    parts = {_blueprint_part(n) for n in names} - {None}
    assert parts == {"roles", "meetings", "groups", "attendance"}


TRANSACTION = {"commit", "rollback"}  # the request's unit of work, not a read


def _dotted(func: ast.expr) -> str | None:
    """``a.b.c`` for a plain dotted name, None for anything else."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        base = _dotted(func.value)
        return f"{base}.{func.attr}" if base else None
    return None


def _queries(path: Path, root: Path = ROOT) -> list[str]:
    """The places where ``path`` runs or builds a query itself: a call on
    ``db.session`` other than commit/rollback, ``db.paginate``, ``select(``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        called = _dotted(node.func)
        if called and (
            (called.startswith("db.session.") and called.split(".")[-1] not in TRANSACTION)
            or called == "db.paginate"
            or called.split(".")[-1] == "select"
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} {called}")
    return found


def test_views_execute_no_query_and_build_none():
    found = [place for path in sorted(ROOT.rglob("*.py")) for place in _queries(path)]
    assert found == []


def test_the_query_rule_sees_a_query(tmp_path):
    view = tmp_path / "view.py"
    view.write_text(
        "rows = db.session.scalars(select(Group)).all()\n"
        "db.session.commit()\n"
        "page = db.paginate(query)\n"
    )
    assert sorted(p.split(" ")[1] for p in _queries(view, tmp_path)) == [
        "db.paginate",
        "db.session.scalars",
        "select",
    ]
