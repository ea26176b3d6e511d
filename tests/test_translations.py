"""The interface speaks Simplified Chinese completely, and switches to it."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from app.ui.i18n import chosen_language, install_language

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "inkwell_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    found = {}
    for context in tree.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found[(name, message.findtext("source"))] = message
    return found


def test_every_visible_string_has_a_chinese_translation(tmp_path):
    fresh = tmp_path / "fresh.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "app" / "ui").glob("*.py"))
    subprocess.run([str(lupdate), "-silent", *sources, "-ts", str(fresh)], check=True, timeout=120)
    in_code = messages(fresh)
    translated = messages(TS)
    assert len(in_code) > 150
    missing = [key for key in in_code if key not in translated]
    assert missing == [], f"strings in the code but not in {TS.name}: {missing[:10]}"
    empty = [key for key, m in translated.items()
             if key in in_code and (not (m.findtext("translation") or "").strip()
                                    or m.find("translation").get("type") == "unfinished")]
    assert empty == [], f"untranslated: {empty[:10]}"


def test_translations_keep_placeholders():
    for (context, source), message in messages(TS).items():
        translation = message.findtext("translation") or ""
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), (context, source)


def test_language_follows_the_system_unless_chosen():
    assert chosen_language("system", "zh_CN") == "zh_CN"
    assert chosen_language("system", "zh_TW") == "zh_CN"
    assert chosen_language("system", "de_DE") == "en"
    assert chosen_language("en", "zh_CN") == "en"
    assert chosen_language("zh_CN", "en_US") == "zh_CN"


def test_chinese_interface(qapp, make_window, app_paths):
    try:
        assert install_language("zh_CN", app_paths.cache_dir) == "zh_CN"
        window = make_window(app_paths, load=False)
        titles = [action.text() for action in window.menuBar().actions()]
        assert titles[0] == "文件(&F)"
        assert window.findChild(QPushButton, "sendButton").text() == "发送"
        assert window.mode_tabs.tabText(1) != "Writing"
    finally:
        install_language("en", app_paths.cache_dir)
