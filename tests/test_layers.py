"""The layer rules of the architecture: core is pure, the UI never touches llama_cpp."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

FORBIDDEN = {
    "core": {"PySide6", "llama_cpp", "app.engine", "app.ui"},
    "engine": {"PySide6.QtWidgets", "PySide6.QtGui", "app.ui"},
    "ui": {"llama_cpp"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(layer: str, app_dir: Path = APP) -> list[str]:
    found = []
    for path in sorted((app_dir / layer).rglob("*.py")):
        for module in imported_modules(path):
            for banned in FORBIDDEN[layer]:
                if module == banned or module.startswith(banned + "."):
                    found.append(f"{path.relative_to(app_dir).as_posix()} imports {module}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer):
    assert (APP / layer).is_dir()
    assert violations(layer) == []


def test_checker_sees_a_violation(tmp_path):
    fake_app = tmp_path / "app"
    (fake_app / "core").mkdir(parents=True)
    (fake_app / "core" / "bad.py").write_text("from PySide6.QtCore import QObject\nimport llama_cpp\n")
    assert sorted(violations("core", fake_app)) == [
        "core/bad.py imports PySide6.QtCore",
        "core/bad.py imports llama_cpp",
    ]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(tool), "--config", str(root / "pyproject.toml")], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(root)})


def test_import_linter_contracts_hold():
    done = lint_imports(APP.parent)
    assert done.returncode == 0, done.stdout[-3000:]


def test_import_linter_sees_a_broken_contract(tmp_path):
    """A copy of the code where the core imports the window breaks the layers contract."""
    copy = tmp_path / "repo"
    shutil.copytree(APP, copy / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(APP.parent / "pyproject.toml", copy / "pyproject.toml")
    (copy / "app" / "core" / "bad.py").write_text("import app.ui.main_window\n")
    done = lint_imports(copy)
    assert done.returncode != 0 and "app.core.bad -> app.ui.main_window" in done.stdout


def test_modules_stay_small():
    sizes = {path.relative_to(APP).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in APP.rglob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > 800} == {}


def test_main_window_only_assembles():
    """The window builds its parts and connects them; the flows live in those parts."""
    assert len((APP / "ui" / "main_window.py").read_text(encoding="utf-8").splitlines()) < 400


def test_every_package_ships_in_the_wheel():
    """pyproject.toml lists the packages one by one: a package missing there is missing from the wheel."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    listed = set(tomllib.loads((APP.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {".".join(init.parent.relative_to(APP.parent).parts) for init in APP.rglob("__init__.py")}
    assert packages - listed == set()
