"""The user's settings: a small typed schema in which every option is declared once, with its
type, default, allowed values and help text, and a JSON file in the config folder.

The dialog, the CLI and the engine all read the schema from here, so an option's range or
default is never written down twice. The file is flat (``{"version": 1, "ui.theme": "dark",
...}``) and written atomically. A file that cannot be read is kept aside rather than
overwritten, and a single bad value costs only that value: the user's other choices survive.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.generation import LoadParams
from app.core.presets import keep_aside, read_config, write_json_atomically
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable, joined, message_of

FILE_NAME = "settings.json"
# Written into the file so that a later schema can recognise and upgrade an older file.
VERSION = 1
_VERSION_KEY = "version"


class SettingsError(ValueError):
    """A value that an option does not allow; the message is meant for a person and names
    the option and what it allows."""


@dataclass(frozen=True)
class Option:
    key: str
    type: type  # int, float, bool or str
    default: object
    help: str  # help, label and allowed are Translatable, which the interface shows translated
    label: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None  # for str options
    needs_reload: bool = False  # engine options that only apply when the model is (re)loaded
    # For the few options that the generic checks cannot express: turns the raw value into the
    # stored one or raises ValueError. It replaces the type coercion; ranges and choices still apply.
    parse: Callable[[object], object] | None = field(default=None, repr=False, compare=False)
    # What the option allows, in a person's words, where the generated phrase would be wrong.
    allowed: str | None = None

    def describe_allowed(self) -> str:
        if self.allowed:
            return self.allowed
        if self.choices:
            return QT_TRANSLATE_NOOP("Settings", "one of {choices}").format(
                choices=", ".join(f'"{choice}"' for choice in self.choices))
        if self.type is bool:
            return QT_TRANSLATE_NOOP("Settings", "true or false")
        if self.type is str:
            return QT_TRANSLATE_NOOP("Settings", "some text")
        whole = self.type is int
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            template = (QT_TRANSLATE_NOOP("Settings", "a whole number from {low} to {high}") if whole
                        else QT_TRANSLATE_NOOP("Settings", "a number from {low} to {high}"))
        elif low is not None:
            template = (QT_TRANSLATE_NOOP("Settings", "a whole number of at least {low}") if whole
                        else QT_TRANSLATE_NOOP("Settings", "a number of at least {low}"))
        elif high is not None:
            template = (QT_TRANSLATE_NOOP("Settings", "a whole number of at most {high}") if whole
                        else QT_TRANSLATE_NOOP("Settings", "a number of at most {high}"))
        else:
            return QT_TRANSLATE_NOOP("Settings", "a whole number") if whole else QT_TRANSLATE_NOOP("Settings", "a number")
        return template.format(low=_number(low) if low is not None else "", high=_number(high) if high is not None else "")

    def coerce(self, raw: object) -> object:
        """The value to store for ``raw`` (which may be text, as a dialog or the command line
        sends it); SettingsError when the option does not allow it."""
        try:
            value = self.parse(raw) if self.parse else _coerce_type(raw, self.type)
            if self.choices is not None:
                value = _canonical_choice(value, self.choices)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if self.minimum is not None and value < self.minimum:
                    raise ValueError("too small")
                if self.maximum is not None and value > self.maximum:
                    raise ValueError("too large")
        except (TypeError, ValueError):
            raise SettingsError(QT_TRANSLATE_NOOP("Settings", "{label} ({key}) must be {allowed}; {value} is not allowed.").format(
                label=self.label, key=self.key, allowed=self.describe_allowed(), value=repr(raw))) from None
        return value


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _coerce_type(raw: object, kind: type) -> object:
    # bool is an int in Python: never let True pass for a number or 1 for a switch, since in a
    # settings file either is a mistake rather than an intention.
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ValueError("not a switch")
    if kind is int:
        if isinstance(raw, bool):
            raise ValueError("not a number")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():  # 512.0 from a hand-edited file
            return int(raw)
        if isinstance(raw, str):
            return int(raw.strip())
        raise ValueError("not a whole number")
    if kind is float:
        if isinstance(raw, bool):
            raise ValueError("not a number")
        if isinstance(raw, (int, float)):
            value = float(raw)
        elif isinstance(raw, str):
            value = float(raw.strip())
        else:
            raise ValueError("not a number")
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if kind is str:
        if not isinstance(raw, str):
            raise ValueError("not text")
        return raw
    raise TypeError(f"unsupported option type {kind!r}")


def _canonical_choice(value: object, choices: tuple[str, ...]) -> str:
    # "Dark" or " zh_cn " from a hand-edited file mean the choice, stored as it is spelled here.
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for choice in choices:
            if choice.casefold() == wanted:
                return choice
    raise ValueError("not one of the choices")


def _context_length(raw: object) -> int:
    # 0 means automatic; below 256 tokens a model cannot hold even a short exchange.
    value = _coerce_type(raw, int)
    assert isinstance(value, int)
    if value != 0 and value < 256:
        raise ValueError("too small")
    return value


GPU_OFFLOAD_WORDS = ("auto", "all", "off")
_MAX_GPU_LAYERS = 100_000


def _gpu_offload(raw: object) -> str:
    # A spin box may send the number of layers as an int; it is stored as text so that one
    # option holds both the words and a count.
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise ValueError("not text")
    text = raw.strip().lower()
    if text in GPU_OFFLOAD_WORDS:
        return text
    if text.isascii() and text.isdigit():  # isdigit alone accepts "²" and other digits int() refuses
        digits = text.lstrip("0") or "0"  # "012" → "12"
        # No model has a million layers: a mistake (or damage), not a wish. Checked on the
        # digits first, so that 5,000 of them do not reach int().
        if len(digits) > len(str(_MAX_GPU_LAYERS)) or int(digits) > _MAX_GPU_LAYERS:
            raise ValueError("too large")
        return digits
    raise ValueError("not a word or a number of layers")


def _preset_name(raw: object) -> str:
    value = _coerce_type(raw, str)
    assert isinstance(value, str)
    if not value.strip():
        raise ValueError("empty")
    return value.strip()


_PRESET_NAME = QT_TRANSLATE_NOOP("Settings", "the name of a sampler preset")

OPTIONS: tuple[Option, ...] = (
    Option(
        "engine.context_length", int, 0,
        QT_TRANSLATE_NOOP("Settings", "How many tokens the model can see at once: the conversation or draft plus the reply. "
        "0 means automatic: the model's trained length, at most 8192, and less if memory is short. "
        "Longer contexts need more memory."),
        QT_TRANSLATE_NOOP("Settings", "Context length"), minimum=0, maximum=1_048_576, needs_reload=True, parse=_context_length,
        allowed=QT_TRANSLATE_NOOP("Settings", "0 (automatic) or a whole number from 256 to 1048576"),
    ),
    Option(
        "engine.threads", int, 0,
        QT_TRANSLATE_NOOP("Settings", "How many CPU threads compute the model. 0 means automatic: one per physical core."),
        QT_TRANSLATE_NOOP("Settings", "CPU threads"), minimum=0, maximum=512, needs_reload=True,
    ),
    Option(
        "engine.batch_size", int, 512,
        QT_TRANSLATE_NOOP("Settings", "How many prompt tokens are processed in one step. Larger is faster on a GPU and uses more memory."),
        QT_TRANSLATE_NOOP("Settings", "Batch size"), minimum=32, maximum=8192, needs_reload=True,
    ),
    Option(
        "engine.flash_attention", str, "auto",
        QT_TRANSLATE_NOOP("Settings", "Flash attention is faster and uses less memory, on the CPU as on a GPU; a quantized "
        "KV cache needs it, and so does speculative drafting. Auto turns it on."),
        QT_TRANSLATE_NOOP("Settings", "Flash attention"), choices=("auto", "on", "off"), needs_reload=True,
    ),
    Option(
        "engine.kv_cache_type", str, "f16",
        QT_TRANSLATE_NOOP("Settings", "How the model's working memory (the KV cache) is stored. q8_0 and q4_0 use less memory "
        "at a small cost in quality; quantized types need flash attention."),
        QT_TRANSLATE_NOOP("Settings", "KV cache type"), choices=("f16", "q8_0", "q4_0"), needs_reload=True,
    ),
    Option(
        "engine.mmap", bool, True,
        QT_TRANSLATE_NOOP("Settings", "Map the model file into memory instead of reading it: faster to load and shared with the "
        "system's file cache. Turn off if the model is on a slow or network drive."),
        QT_TRANSLATE_NOOP("Settings", "Memory-map the model"), needs_reload=True,
    ),
    Option(
        "engine.gpu_offload", str, "auto",
        QT_TRANSLATE_NOOP("Settings", "How much of the model runs on the GPU: auto (as much as fits), all, off, or a number of layers."),
        QT_TRANSLATE_NOOP("Settings", "GPU offload"), needs_reload=True, parse=_gpu_offload,
        allowed=QT_TRANSLATE_NOOP("Settings", '"auto", "all", "off" or a number of layers (0 or more)'),
    ),
    Option(
        "ui.language", str, "system",
        QT_TRANSLATE_NOOP("Settings", "The language of Inkwell's menus and messages. System follows the computer's language. "
        "Applies when Inkwell starts again."),
        QT_TRANSLATE_NOOP("Settings", "Language"), choices=("system", "en", "zh_CN"),
    ),
    Option(
        "ui.theme", str, "system",
        QT_TRANSLATE_NOOP("Settings", "Light or dark colours. System follows the computer's setting."),
        QT_TRANSLATE_NOOP("Settings", "Theme"), choices=("system", "light", "dark"),
    ),
    # Names of presets: which ones exist is only known at run time (the user adds their own), so
    # these accept any name; whoever applies them falls back to the default when one is missing.
    Option(
        "sampler.chat", str, "Chat (balanced)",
        QT_TRANSLATE_NOOP("Settings", "The sampler preset used for new chats."),
        QT_TRANSLATE_NOOP("Settings", "Chat preset"), parse=_preset_name, allowed=_PRESET_NAME,
    ),
    Option(
        "sampler.writing", str, "Creative writing",
        QT_TRANSLATE_NOOP("Settings", "The sampler preset used to continue a draft."),
        QT_TRANSLATE_NOOP("Settings", "Writing preset"), parse=_preset_name, allowed=_PRESET_NAME,
    ),
    Option(
        "sampler.rewrite", str, "Precise / rewrite",
        QT_TRANSLATE_NOOP("Settings", "The sampler preset used to rewrite a passage."),
        QT_TRANSLATE_NOOP("Settings", "Rewrite preset"), parse=_preset_name, allowed=_PRESET_NAME,
    ),
    Option(
        "models.default_path", str, "",
        QT_TRANSLATE_NOOP("Settings", "The GGUF model Inkwell opens when it starts; empty means the starter model."),
        QT_TRANSLATE_NOOP("Settings", "Default model"), allowed=QT_TRANSLATE_NOOP("Settings", "the path of a GGUF file, or nothing"),
    ),
    Option(
        "models.writing_path", str, "auto",
        QT_TRANSLATE_NOOP("Settings", "The model the Writing tab uses: switching to the tab loads it and switching back loads "
        "the chat's model again. Auto uses the installed writing model; empty uses the chat's model."),
        QT_TRANSLATE_NOOP("Settings", "Writing model"),
        allowed=QT_TRANSLATE_NOOP("Settings", '"auto", the path of a GGUF file, or nothing'),
    ),
    Option(
        "engine.saved_state", bool, True,
        QT_TRANSLATE_NOOP("Settings", "Keep the model's memory of each draft and conversation (its KV cache) when you move to "
        "another one and when Inkwell closes, so that coming back does not read the whole text again. Kept in memory "
        "and in Inkwell's cache folder, for the model and engine settings it was made with."),
        QT_TRANSLATE_NOOP("Settings", "Saved model state"), needs_reload=True,
    ),
    Option(
        "engine.saved_state_disk_mb", int, 4096,
        QT_TRANSLATE_NOOP("Settings", "The most disk space saved model state may take, in MB (never more than a quarter of "
        "the free disk); the least recently used states go first. 0 keeps it in memory only, until Inkwell closes."),
        QT_TRANSLATE_NOOP("Settings", "Saved state on disk (MB)"), minimum=0, maximum=1_048_576, needs_reload=True,
    ),
    Option(
        "engine.speculative", bool, True,
        QT_TRANSLATE_NOOP("Settings", "Rewrites and continuations guess their next words from the passage and the draft and "
        "check several at once: a rewrite that keeps much of its passage can finish sooner, and every word is still the "
        "one the model chooses. It measures itself and turns off for a request where the guesses do not pay."),
        QT_TRANSLATE_NOOP("Settings", "Speculative drafting"),
    ),
)

_BY_KEY: dict[str, Option] = {opt.key: opt for opt in OPTIONS}


def option(key: str) -> Option:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"There is no setting named {key!r}.") from None


class Settings:
    """The value of every option, plus any keys from the file that this version does not know
    (a newer Inkwell wrote them): they are kept so that saving does not throw them away."""

    def __init__(self, values: dict[str, object] | None = None, unknown: dict[str, object] | None = None) -> None:
        self._values: dict[str, object] = {opt.key: opt.default for opt in OPTIONS}
        self._unknown: dict[str, object] = dict(unknown or {})
        for key, value in (values or {}).items():
            self.set(key, value)

    @classmethod
    def load(cls, path: Path) -> tuple["Settings", str | None]:
        """The settings in ``path``, and a message for the user when something in it could not
        be used. Never raises for a bad file: the app must start whatever the file holds."""
        if not path.exists():
            return cls(), None
        try:
            data = read_config(path)
            if not isinstance(data, dict):
                raise ValueError("it does not hold a set of named settings")
        except (OSError, ValueError) as error:
            return cls(), _keep_aside(path, error)
        settings, invalid = cls(), []
        for key, raw in data.items():
            if key == _VERSION_KEY:
                continue
            if key not in _BY_KEY:
                settings._unknown[key] = raw
                continue
            try:
                settings.set(key, raw)
            except SettingsError as error:
                invalid.append(message_of(error))
        if not invalid:
            return settings, None
        return settings, QT_TRANSLATE_NOOP(
            "Settings", "Some settings were not valid and were reset to their defaults:\n{problems}"
        ).format(problems=joined([Translatable("", "• {problem}", {"problem": problem}) for problem in invalid]))

    def get(self, key: str) -> object:
        return self._values[option(key).key]

    def set(self, key: str, value: object) -> None:
        """Checks and stores ``value``; SettingsError (and nothing stored) when it is not allowed.
        Does not write the file: call save()."""
        self._values[key] = option(key).coerce(value)

    def save(self, path: Path) -> None:
        """Writes every option (defaults too, so the file documents what is in effect) and the
        unknown keys that were kept."""
        data: dict[str, object] = {_VERSION_KEY: VERSION}
        data.update(self._unknown)
        data.update(self._values)
        write_json_atomically(path, data)

    def changed_needing_reload(self, other: "Settings") -> list[str]:
        """The keys, in schema order, of options that differ from ``other`` and only take
        effect when the model is loaded again."""
        return [opt.key for opt in OPTIONS if opt.needs_reload and self.get(opt.key) != other.get(opt.key)]

    def as_dict(self) -> dict[str, object]:
        """Every option's value, in schema order (unknown keys left out)."""
        return {opt.key: self._values[opt.key] for opt in OPTIONS}

    @property
    def unknown(self) -> dict[str, object]:
        """Keys from the file that this version does not know; kept, never used."""
        return dict(self._unknown)

    def copy(self) -> "Settings":
        """An independent copy, e.g. for a dialog to edit and compare with the settings in effect."""
        duplicate = Settings()
        duplicate._values = dict(self._values)
        duplicate._unknown = dict(self._unknown)
        return duplicate

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return self._values == other._values and self._unknown == other._unknown

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != option(k).default}
        return f"Settings({changed!r})"


def _keep_aside(path: Path, error: Exception) -> str:
    """Move an unreadable settings file out of the way, so that the next save does not destroy
    what the user (or a crash) left in it, and say so."""
    backup = keep_aside(path, time.strftime(".broken-%Y%m%d-%H%M%S"))
    if backup == path:
        return QT_TRANSLATE_NOOP(
            "Settings", "Your settings file could not be read ({error}) and could not be moved aside; "
            "the default settings are used until it is fixed or replaced.").format(error=str(error))
    return QT_TRANSLATE_NOOP(
        "Settings", "Your settings file could not be read ({error}); it was kept as {file} "
        "and the default settings are used.").format(error=str(error), file=backup.name)


def reload_labels(keys: Iterable[str]) -> list[str]:
    """The labels of ``keys`` (as changed_needing_reload returns them), for a message such as
    "Reload the model to apply: Context length, Batch size"."""
    return [option(key).label for key in keys]


def load_params_from(settings: Settings) -> LoadParams:
    """How to load a model, as the settings say."""
    return LoadParams(
        n_ctx=int(settings.get("engine.context_length")),
        n_threads=int(settings.get("engine.threads")),
        n_batch=int(settings.get("engine.batch_size")),
        flash_attention=str(settings.get("engine.flash_attention")),
        kv_cache_type=str(settings.get("engine.kv_cache_type")),
        use_mmap=bool(settings.get("engine.mmap")),
        gpu_offload=str(settings.get("engine.gpu_offload")),
        saved_state=bool(settings.get("engine.saved_state")),
        saved_state_disk_mb=int(settings.get("engine.saved_state_disk_mb")),
    )
