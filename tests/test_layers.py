"""The layer rules of the architecture: core is pure, the UI never touches llama_cpp."""

import ast
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
