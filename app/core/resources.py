"""Locate the files of the top-level ``resources/`` folder.

The wheel and the bundle map ``resources/`` into the package as ``app/resources`` (see
pyproject.toml), so an installed Inkwell finds them next to its code. A source checkout
(editable install or ``python -m app``) has them one level up, beside ``app/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.core.paths import bundle_dir

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates() -> list[Path]:
    found = [_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"]
    bundle = bundle_dir()
    if bundle is not None:
        # A PyInstaller bundle: packaging/inkwell.spec puts the folder at app/resources there.
        found.insert(0, bundle / "app" / "resources")
    return found


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    for candidate in _candidates():
        if (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(
        "Inkwell's resources folder is missing; reinstall Inkwell (pip install inkwell)."
    )


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def read_resource_text(*parts: str) -> str:
    return resource_path(*parts).read_text(encoding="utf-8")
