"""What the window is built from, made once at start-up and passed in: the folders, the
engine, the store and the settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.core.generation import LoadParams, SamplerSettings
from app.core.paths import AppPaths
from app.core.personas import all_personas
from app.core.remote import EngineList
from app.core.rewrite import all_styles
from app.core.samplers import SamplerPreset
from app.core.samplers import all_presets as all_sampler_presets
from app.core.samplers import find_preset as find_sampler_preset
from app.core.settings import FILE_NAME as SETTINGS_FILE
from app.core.settings import Settings, load_params_from, option
from app.core.store import Store
from app.engine.host import EngineHost

TRASH_KEPT_S = 30 * 24 * 3600


class Preferences(QObject):
    """The settings in use: read at start, saved when changed, and what they decide (the
    sampler preset of each mode, how models load)."""

    problem = Signal(str)  # the settings could not be saved

    def __init__(self, config_dir: Path, load_params: LoadParams | None = None) -> None:
        super().__init__()
        self.config_dir = config_dir
        self.path = config_dir / SETTINGS_FILE
        self.settings, self.load_problem = Settings.load(self.path)
        # Options given on the command line win over the saved settings for this run.
        self.load_params = load_params or load_params_from(self.settings)
        self.max_tokens: int | None = None  # when set, overrides the chat preset's reply length

    def preset_for(self, key: str) -> SamplerPreset:
        """The sampler preset the settings choose for a mode (chat, writing, rewrite); the
        built-in default when the chosen one no longer exists."""
        presets, _ = all_sampler_presets(self.config_dir)
        return (find_sampler_preset(presets, str(self.settings.get(key)))
                or find_sampler_preset(presets, str(option(key).default)))

    def sampler_for(self, key: str) -> SamplerSettings:
        return self.preset_for(key).to_sampler()

    def speculative(self) -> bool:
        """Whether rewrites and continuations draft their next tokens from their own text."""
        return bool(self.settings.get("engine.speculative"))

    def apply(self, settings: Settings) -> bool:
        """Saves and uses ``settings``; True when a loaded model must load again for all of
        them to apply."""
        reload_needed = settings.changed_needing_reload(self.settings)
        try:
            settings.save(self.path)
        except OSError as error:
            self.problem.emit(self.tr("The settings could not be saved ({error}); they apply until you quit.").format(
                error=error.strerror or error))
        self.settings = settings
        self.load_params = load_params_from(settings)
        return reload_needed


@dataclass
class Services:
    paths: AppPaths
    host: EngineHost
    store: Store
    preferences: Preferences
    # Problems met before the window existed (files kept aside), for the window to say.
    notices: list[object] = field(default_factory=list)

    @classmethod
    def start(cls, paths: AppPaths, host: EngineHost, load_params: LoadParams | None = None,
              notices: Sequence[object] = ()) -> Services:
        """Opens the store (StoreError when it cannot be) and reads the settings and the
        user's own preset files."""
        preferences = Preferences(paths.config_dir, load_params)
        store = Store(paths.data_dir / "inkwell.db")
        store.empty_trash(TRASH_KEPT_S)
        found = [store.recovery_report, preferences.load_problem, *notices, *_read_user_files(paths.config_dir)]
        return cls(paths, host, store, preferences, [notice for notice in found if notice])

    def close(self) -> None:
        self.store.close()


def _read_user_files(config_dir: Path) -> list[object]:
    """Reads the user's own preset files once, before the widgets do, and returns what was
    wrong with them. A file that cannot be read is kept aside by this first reading, so the
    widgets then find nothing to complain about and each problem is said once."""
    readers = (all_personas, all_styles, all_sampler_presets, lambda folder: EngineList(folder).load())
    return [problem for read in readers if (problem := read(config_dir)[1])]
