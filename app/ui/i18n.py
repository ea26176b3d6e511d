"""Loading the interface language: Qt translators for Inkwell's own strings and Qt's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.core.resources import resource_path
from app.core.translatable import Translatable, message_of

LANGUAGES = ("en", "zh_CN")
_installed: list[QTranslator] = []  # kept alive for as long as they are installed


def chosen_language(setting: str, system_locale: str | None = None) -> str:
    """"en" or "zh_CN" for the setting ("system", "en", "zh_CN")."""
    if setting in LANGUAGES:
        return setting
    locale = system_locale or QLocale.system().name()
    return "zh_CN" if locale.lower().startswith("zh") else "en"


def translated(text: object) -> str:
    """Text from the core in the interface's language. A Translatable, or an exception raised
    with one, is looked up in its context and filled with its (translated) values; anything
    else, such as a name the user typed, is shown as it is."""
    if isinstance(text, BaseException):
        text = message_of(text)
    if not isinstance(text, Translatable):
        return str(text)
    values = {name: translated(value) if isinstance(value, (Translatable, BaseException)) else value
              for name, value in text.values.items()}
    return QCoreApplication.translate(text.context, text.template).format(**values)


def compiled_translation(language: str, cache_dir: Path) -> Path | None:
    """The .qm for ``language``: built next to its .ts by `make`, or compiled now into the cache
    folder when it is missing or older than the .ts (an installed copy without the build step)."""
    source = resource_path("translations", f"inkwell_{language}.ts")
    if not source.exists():
        return None
    for candidate in (source.with_suffix(".qm"), cache_dir / f"inkwell_{language}.qm"):
        if candidate.exists() and candidate.stat().st_mtime >= source.stat().st_mtime:
            return candidate
    tool = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    target = cache_dir / f"inkwell_{language}.qm"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([tool, "-silent", str(source), "-qm", str(target)], check=True, timeout=60,
                       capture_output=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return target if target.exists() else None


def install_language(setting: str, cache_dir: Path) -> str:
    """Installs the translators for the chosen language; returns the language used."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = chosen_language(setting)
    if language == "en":
        return language
    qm = compiled_translation(language, cache_dir)
    own = QTranslator()
    if qm is None or not own.load(str(qm)):
        return "en"
    qt = QTranslator()  # Qt's own dialogs and buttons (OK, Cancel…)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(own)
    _installed.append(own)
    return language
