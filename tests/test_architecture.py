"""The layers' import rules, read from the source (nothing is imported)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "facilitator" / "domain"
# Besides the standard library, the domain may use these pure libraries.
PURE_LIBRARIES = {"icalendar", "dateutil", "tzdata", "pytz"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in it (lazy imports too), with
    relative imports resolved inside the domain package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append((node.lineno, "facilitator.domain"))
            else:
                found.append((node.lineno, node.module or ""))
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
