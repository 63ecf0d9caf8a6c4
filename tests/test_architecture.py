"""The layers' import rules, read from the source (nothing is imported)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "facilitator"
DOMAIN = PACKAGE / "domain"
# Besides the standard library, the domain may use these pure libraries.
PURE_LIBRARIES = {"icalendar", "dateutil", "tzdata", "pytz", "markdown_it"}


def imported_modules(path: Path, package: str = "facilitator.domain") -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in it (lazy imports too), with
    relative imports counted as imports of its ``package``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, package if node.level else node.module or ""))
    return found


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top == "facilitator":
        return module == "facilitator.domain" or module.startswith("facilitator.domain.")
    return top in sys.stdlib_module_names or top in PURE_LIBRARIES


def test_the_domain_imports_nothing_of_flask_sqlalchemy_or_the_app():
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 6  # __init__, recurrence, keys, rotation, vtimezone, ical
    offending = [
        f"{path.name}:{line} imports {module}"
        for path in modules
        for line, module in imported_modules(path)
        if not allowed(module)
    ]
    assert offending == []


def test_the_import_rule_catches_what_it_should(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import flask_babel\n"
        "from sqlalchemy.orm import Session\n"
        "from facilitator.services import schedule\n"
        "from facilitator import extensions\n"
        "def lazy():\n"
        "    from facilitator.models import Meeting\n"
        "from facilitator.domain import recurrence\n"
        "from . import keys\n"
        "import calendar, icalendar\n"
    )
    verdicts = {module: allowed(module) for _line, module in imported_modules(sample)}
    assert verdicts == {
        "flask_babel": False,
        "sqlalchemy.orm": False,
        "facilitator.services": False,
        "facilitator": False,
        "facilitator.models": False,
        "facilitator.domain": True,
        "calendar": True,
        "icalendar": True,
    }


def test_models_import_the_domain_but_no_service_or_view():
    allowed_inside = ("facilitator.domain", "facilitator.extensions", "facilitator.models")
    offending = [
        f"{path.name}:{line} imports {module}"
        for path in sorted((PACKAGE / "models").glob("*.py"))
        for line, module in imported_modules(path, "facilitator.models")
        if module.split(".")[0] == "facilitator"
        and not any(module == a or module.startswith(a + ".") for a in allowed_inside)
    ]
    assert offending == []
