"""Takes the README's screenshots with the starter model, offscreen.

    .venv/bin/python docs/screenshot.py [OUT_DIR] [--language en|zh_CN] [--theme light|dark]
                                        [--name NAME] [--quick]

Writes NAME.png (the chat), NAME-models.png (the Models page, with two example remote
engines) and, unless --quick, NAME-writing.png (the writing desk with a proposed
continuation). --quick shows a stored conversation instead of generating one (for
the tests). The README's set: `screenshot`, `screenshot-zh --language zh_CN` and
`screenshot-dark --theme dark`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.generation import LoadParams  # noqa: E402
from app.core.paths import AppPaths, find_starter_model  # noqa: E402
from app.core.remote import EngineList, RemoteEngine  # noqa: E402
from app.core.store import Store  # noqa: E402
from app.engine.host import EngineHost  # noqa: E402
from app.ui.i18n import install_language  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.services import Services  # noqa: E402
from app.ui.theme import apply_theme  # noqa: E402

PROMPTS = {
    "en": ("Give me three tips for writing a short story, as a list.", "Which one matters most?"),
    "zh_CN": ("给我三条写短篇小说的建议，用列表列出。", "哪一条最重要？"),
}
STORED_REPLY = {
    "en": "Here are three tips:\n\n1. **Start late**: open in the middle of the action.\n"
          "2. **One change**: a short story turns on a single change.\n"
          "3. **End early**: leave the reader a question.\n\n```python\nprint('Once upon a time')\n```",
    "zh_CN": "三条建议：\n\n1. **从中间开始**：直接进入情节。\n2. **只写一个转变**：短篇围绕一次改变。\n"
             "3. **早点结束**：给读者留下问题。\n\n```python\nprint('从前')\n```",
}
DRAFT = (
    "The lighthouse keeper had not spoken to anyone in three weeks when the boat appeared.\n\n"
    "It came through the fog without a light, its sail torn. He watched it from the gallery, "
    "the lamp in one hand and the logbook in the other, and then he went down the stairs"
)


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def take(out_dir: Path, name: str, language: str, theme: str, quick: bool) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    written = []
    with tempfile.TemporaryDirectory() as data_dir:
        paths = AppPaths.resolve(data_dir)
        paths.ensure()
        install_language(language, paths.cache_dir)
        first, second = PROMPTS.get(language, PROMPTS["en"])
        if quick:
            store = Store(paths.data_dir / "inkwell.db")
            conversation = store.create_conversation()
            question = store.add_message(conversation.id, "user", first, None)
            store.add_message(conversation.id, "assistant", STORED_REPLY.get(language, STORED_REPLY["en"]), question.id)
            store.set_meta("last_conversation_id", str(conversation.id))
            store.close()
        # Examples only: the screenshot never connects to them.
        engines = EngineList(paths.config_dir)
        engines.put(RemoteEngine("Team GPU server", "http://gpu-box:8080/v1", model="qwen2.5-14b-instruct"))
        engines.put(RemoteEngine("Ollama", "http://localhost:11434/v1", model="llama3.2:3b"))
        host = EngineHost()
        window = MainWindow(Services.start(paths, host, LoadParams(n_ctx=4096)))
        apply_theme(theme)
        window.chat.render_conversation()
        window.resize(1100, 680)
        window.show()
        window.load_model(find_starter_model())
        wait_for(host.loaded)
        if not quick:
            window.preferences.max_tokens = 160
            window.chat_input.setPlainText(first)
            window.chat.send()
            wait_for(host.finished)
        window.chat_input.setPlainText(second)
        app.processEvents()
        chat = out_dir / f"{name}.png"
        window.grab().save(str(chat))
        written.append(chat)
        window.mode_tabs.setCurrentWidget(window.models_page)
        app.processEvents()
        models = out_dir / f"{name}-models.png"
        window.grab().save(str(models))
        written.append(models)
        if not quick:
            window.mode_tabs.setCurrentWidget(window.writing_desk)
            desk = window.writing_desk
            desk.editor.setPlainText(DRAFT)
            desk.memory_edit.setPlainText("Setting: a lighthouse on the Yorkshire coast, 1920s.\nTone: quiet, patient.")
            desk.note_edit.setPlainText("The visitor is someone he knows.")
            cursor = desk.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            desk.editor.setTextCursor(cursor)
            desk.continue_at_cursor()
            wait_for(host.finished)
            app.processEvents()
            writing = out_dir / f"{name}-writing.png"
            window.grab().save(str(writing))
            written.append(writing)
        window.close()
        install_language("en", paths.cache_dir)
    apply_theme("system")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", nargs="?", type=Path, default=Path(__file__).parent)
    parser.add_argument("--language", default="en", choices=("en", "zh_CN"))
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--name", default="screenshot")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    for path in take(args.out_dir, args.name, args.language, args.theme, args.quick):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
