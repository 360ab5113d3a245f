"""The core does no I/O: its modules may not import file, network, database or terminal modules.

Only `store/`, `report/`, `cli/`, `api/` and `web/` may touch the outside world.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lanthanide

PACKAGE = Path(lanthanide.__file__).parent
FRONT_ENDS = {"store", "report", "cli", "api", "web", "data"}
#: top-level modules outside the core: settings carry paths; `__main__` starts the CLI.
NOT_CORE = {"config.py", "__main__.py"}
FORBIDDEN = {
    "duckdb",
    "sqlite3",
    "socket",
    "http",
    "urllib",
    "requests",
    "httpx",
    "subprocess",
    "shutil",
    "tempfile",
    "glob",
    "os",
    "pathlib",
    "io",
    "rich",
    "typer",
    "fastapi",
    "uvicorn",
    "matplotlib",
    "yfinance",
}
FORBIDDEN_CALLS = {"open", "print", "input"}


def core_modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in FRONT_ENDS | NOT_CORE
    ]


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [f"imports {n}" for n in names if n.split(".")[0] in FORBIDDEN]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_CALLS
        ):
            found.append(f"calls {node.func.id}() at line {node.lineno}")
    return found


def test_core_modules_exist_to_be_checked() -> None:
    assert any(p.name == "errors.py" for p in core_modules())


def test_core_imports_no_io_modules() -> None:
    bad = {str(p.relative_to(PACKAGE)): v for p in core_modules() if (v := violations(p))}
    assert bad == {}


def test_the_checker_catches_io(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import duckdb\nfrom os import path\nprint(open('x').read())\n")
    assert violations(sample) == [
        "imports duckdb",
        "imports os",
        "calls print() at line 3",
        "calls open() at line 3",
    ]
