"""The interface speaks Simplified Chinese completely, and switches to it."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import importlib.util
import json

from PySide6.QtWidgets import QPushButton, QSpinBox

from app.core.downloads import DownloadError, list_gguf_files, parse_repo_ref
from app.core.gguf import read_gguf
from app.core.library import CATALOG_GOOD_FOR, FIT_TEXT, Fit, load_catalog
from app.core.offload import plan_offload
from app.core.presets import BUILTIN_NAMES
from app.core.resources import read_resource_text
from app.core.samplers import SamplerPreset
from app.core.samplers import builtin_presets as builtin_sampler_presets
from app.core.settings import SettingsError, option
from app.core.store import Store
from app.core.translatable import QT_TRANSLATE_NOOP, Translatable
from app.ui.i18n import chosen_language, install_language, translated
from app.ui.settings_dialog import SettingsDialog, widget_name

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "inkwell_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Where visible text is written: the interface, and the core and engine whose messages it shows
# (the folders packaging/translations.py hands to lupdate).
SOURCE_FOLDERS = ("app/ui", "app/core", "app/engine")
CORE_CONTEXTS = {"Catalog", "Downloads", "Engine", "GGUF", "Library", "Offload", "Presets", "Rewrite", "Settings", "Store"}
HAN = re.compile(r"[\u4e00-\u9fff]")


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
    sources = sorted(str(p) for folder in SOURCE_FOLDERS for p in (ROOT / folder).rglob("*.py"))
    subprocess.run([str(lupdate), "-silent", *sources, "-ts", str(fresh)], check=True, timeout=120)
    in_code = messages(fresh)
    translated = messages(TS)
    assert len(in_code) > 300
    assert CORE_CONTEXTS <= {context for context, _ in in_code}, "core messages are not found by lupdate"
    missing = [key for key in in_code if key not in translated]
    assert missing == [], f"strings in the code but not in {TS.name}: {missing[:10]}"
    empty = [key for key, m in translated.items()
             if key in in_code and (not (m.findtext("translation") or "").strip()
                                    or m.find("translation").get("type") == "unfinished")]
    assert empty == [], f"untranslated: {empty[:10]}"


def test_packaging_updates_from_the_same_folders():
    # Loaded by path: `import packaging` would find the pip library of that name.
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "packaging" / "translations.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.SOURCE_FOLDERS == SOURCE_FOLDERS


def test_shipped_preset_names_are_listed_for_translation():
    shipped = {item["name"] for file in ("personas.json", "styles.json", "samplers.json")
               for item in json.loads(read_resource_text("presets", file))}
    assert shipped == set(BUILTIN_NAMES)


def test_catalog_phrases_are_listed_for_translation():
    assert {entry.good_for for entry in load_catalog()} == set(CATALOG_GOOD_FOR)


def test_translatable_reads_as_english_and_translates_with_its_values(qapp, app_paths):
    inner = QT_TRANSLATE_NOOP("Library", "{free} free").format(free="3 GB")
    message = QT_TRANSLATE_NOOP("Library", "{need}, but only {free}").format(need="needs 5 GB", free=inner)
    assert message == "needs 5 GB, but only 3 GB free" and str(message) == message
    assert translated("typed by a user {not a placeholder}") == "typed by a user {not a placeholder}"
    assert translated(ValueError(QT_TRANSLATE_NOOP("Presets", "A persona needs a name."))) == "A persona needs a name."
    try:
        install_language("zh_CN", app_paths.cache_dir)
        assert translated(message) == "needs 5 GB，但只有可用 3 GB"  # the inner text translated too
        assert translated(ValueError(QT_TRANSLATE_NOOP("Presets", "A persona needs a name."))) == "角色需要一个名称。"
        assert translated(Translatable("Presets", "My own persona")) == "My own persona"
        assert translated(FIT_TEXT[Fit.WONT_FIT]) == "内存不足"
    finally:
        install_language("en", app_paths.cache_dir)


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


def test_core_messages_in_the_chinese_interface(qtbot, make_window, app_paths, bad_model_files):
    try:
        install_language("zh_CN", app_paths.cache_dir)
        window = make_window(app_paths, load=False)
        with qtbot.waitSignal(window.host.load_failed, timeout=30_000):
            window.load_model(bad_model_files["truncated"])
        shown = window.chat_view.toPlainText()
        assert "“truncated.gguf”不完整" in shown and "incomplete" not in shown
        # Built-in personas are shown translated but stored under their own name.
        chooser = window.chat.persona_bar.chooser
        index = chooser.findData("Think step by step")
        assert chooser.itemText(index) == "逐步思考"
        chooser.setCurrentIndex(index)
        chooser.activated.emit(index)
        assert window.chat.persona_bar.persona() == "Think step by step"

        names = [preset.name for preset in builtin_sampler_presets()] + ["Mine"]  # "Mine": a user's own
        dialog = SettingsDialog(window.preferences.settings, names, "", window)
        qtbot.addWidget(dialog)
        context = dialog.findChild(QSpinBox, widget_name("engine.context_length"))
        assert context.accessibleName() == "上下文长度"
        assert context.toolTip().startswith("模型一次能看到的词元数")
        presets = dialog.widgets["sampler.chat"]
        assert [presets.itemText(i) for i in range(presets.count())] == ["聊天（均衡）", "创意写作", "精确 / 改写", "Mine"]
        assert dialog.value_of("sampler.chat") == "Chat (balanced)"
        assert option("engine.context_length").label == "Context length"  # the CLI's English is untouched
    finally:
        install_language("en", app_paths.cache_dir)


def test_download_offload_preset_and_store_messages_in_chinese(qapp, app_paths, starter_model, tmp_path):
    try:
        parse_repo_ref("https://huggingface.co/datasets/owner/name")
    except ValueError as error:
        not_a_model = error
    try:
        list_gguf_files("owner/name", endpoint="http://127.0.0.1:9", token="", timeout=5)  # nothing listens there
    except DownloadError as error:
        unreachable = error
    plan = plan_offload(read_gguf(starter_model), 2048, "auto", 4_000_000_000, device_name="Test GPU")
    odd_setting = plan_offload(read_gguf(starter_model), 2048, "lots", None)
    try:
        SamplerPreset("Mine", temperature=9.0).validate()
    except SettingsError as error:
        out_of_range = error
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database " * 4096)
    with Store(junk) as store:
        recovery = store.recovery_report
    assert "is a dataset" in str(not_a_model) and "Could not reach 127.0.0.1" in str(unreachable)
    assert plan.reason == "all 30 layers fit in 4.0 GB free on Test GPU"
    assert str(out_of_range).startswith('In the preset "Mine": Temperature must be')
    try:
        install_language("zh_CN", app_paths.cache_dir)
        chinese = {text: translated(text) for text in (not_a_model, unreachable, plan.reason, odd_setting.reason,
                                                       out_of_range, recovery, load_catalog()[0].good_for)}
    finally:
        install_language("en", app_paths.cache_dir)
    for english, shown in chinese.items():
        assert HAN.search(shown) and shown != english, shown
    assert "is a dataset" not in chinese[not_a_model] and "network" not in chinese[unreachable]
    assert "Test GPU" in chinese[plan.reason] and "4.0 GB" in chinese[plan.reason] and "fit" not in chinese[plan.reason]
    assert "lots" in chinese[odd_setting.reason] and "Auto:" not in chinese[odd_setting.reason]
    assert "Mine" in chinese[out_of_range] and "must be" not in chinese[out_of_range]
    assert str(junk) in chinese[recovery] and "recovered" not in chinese[recovery]


def test_reply_footer_and_backend_report_in_the_chinese_window(qtbot, make_window, app_paths):
    try:
        install_language("zh_CN", app_paths.cache_dir)
        window = make_window(app_paths, load=False)
        conversation = window.store.create_conversation()
        question = window.store.add_message(conversation.id, "user", "Hello", None)
        stats = {"request_id": 1, "finish_reason": "stop", "prompt_tokens": 20, "cached_tokens": 4,
                 "generated_tokens": 12, "time_to_first_token": 0.25, "tokens_per_second": 30.0, "dropped_messages": 2}
        window.store.add_message(conversation.id, "assistant", "Hi there", question.id, stats=stats)
        window.chat.open_conversation(conversation.id)
        shown = window.chat_view.toPlainText()
        assert "12 个词元" in shown and "30.0 词元/秒" in shown and "首个词元 0.25 秒" in shown, shown
        assert "tokens" not in shown and "complete" not in shown and "oldest" not in shown
        # What llama.cpp can use, as the settings dialog shows it.
        qtbot.waitUntil(lambda: window.backend_text.startswith("llama.cpp 后端"), timeout=30_000)
        assert HAN.search(window.backend_text.splitlines()[-1]) and "physical" not in window.backend_text
    finally:
        install_language("en", app_paths.cache_dir)
