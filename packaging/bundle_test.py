"""Smoke test of the built bundle (`make bundle-test`): start it headless and time it.

    python packaging/bundle_test.py [BUNDLE]     BUNDLE: dist/inkwell, or dist/Inkwell.app

Runs `inkwell --version`, finds the starter model inside the bundle, streams a short
`inkwell chat` reply from it, reads the presets, checks the interface translation is usable
as shipped and opens the window offscreen for a few seconds. Prints the size, the start-up
time and the time to the first reply; exits non-zero at the first failure.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402
from app.core.paths import STARTER_FILE  # noqa: E402

GUI_SECONDS = 15  # the window must still be running after this long


def default_bundle() -> Path:
    app = ROOT / "dist" / "Inkwell.app"
    return app if sys.platform == "darwin" and app.is_dir() else ROOT / "dist" / "inkwell"


def layout(bundle: Path) -> tuple[Path, Path]:
    """The executable and the folder holding `app/resources` (macOS keeps data in Resources)."""
    if bundle.suffix == ".app":
        return bundle / "Contents" / "MacOS" / "inkwell", bundle / "Contents" / "Resources"
    name = "inkwell.exe" if sys.platform == "win32" else "inkwell"
    return bundle / name, bundle / "_internal"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def fail(message: str) -> None:
    print(f"bundle-test: FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


def run(exe: Path, *args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=timeout)
    if result.returncode != 0:
        fail(f"inkwell {' '.join(args)} exited with {result.returncode}:\n{result.stderr[-2000:]}")
    return result


def time_to_first_output(exe: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """Seconds from starting the process to its first byte on stdout, and to its exit."""
    start = time.perf_counter()
    # Unbuffered, so that reading the first byte takes nothing from what communicate() reads.
    process = subprocess.Popen([str(exe), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               bufsize=0)
    first = process.stdout.read(1)
    first_at = time.perf_counter() - start
    rest, errors = process.communicate(timeout=300)
    total = time.perf_counter() - start
    if process.returncode != 0 or not first:
        fail(f"inkwell {' '.join(args)} exited with {process.returncode}:\n{errors.decode()[-2000:]}")
    return first_at, total, (first + rest).decode("utf-8", "replace"), errors.decode("utf-8", "replace")


def check_translations(data_root: Path) -> None:
    """The bundle's .qm must be usable as shipped: app/ui/i18n.py would otherwise try to
    recompile it with pyside6-lrelease, which the bundle does not carry."""
    from app.core import resources
    from app.ui import i18n

    shipped = data_root / "app" / "resources"
    resources.resources_dir.cache_clear()
    original = resources.resources_dir
    resources.resources_dir = lambda: shipped
    try:
        with tempfile.TemporaryDirectory() as cache:
            qm = i18n.compiled_translation("zh_CN", Path(cache))
    finally:
        resources.resources_dir = original
    if qm is None or qm.parent != shipped / "translations":
        fail(f"the bundle's Chinese translation would not be used as shipped (got {qm})")


def check_window(exe: Path, env: dict[str, str], data_dir: Path) -> None:
    """Opens the window offscreen, in Chinese, and expects it to be running a while later."""
    config = data_dir / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"ui.language": "zh_CN"}), encoding="utf-8")
    process = subprocess.Popen([str(exe), "--data-dir", str(data_dir)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _, errors = process.communicate(timeout=GUI_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
        if b"Traceback" in errors:
            fail(f"the window reported an error:\n{errors.decode()[-2000:]}")
        return
    fail(f"the window closed by itself with status {process.returncode}:\n{errors.decode()[-2000:]}")


def check_build(exe: Path, data_root: Path, env: dict[str, str]) -> str:
    """The llama.cpp build the bundle carries: with runtime CPU dispatch, which variant it
    picked on this machine (never the unverified AMX one, which must not even be shipped)."""
    variants = sorted(data_root.rglob("*ggml-cpu-*"))
    if any("sapphirerapids" in path.name for path in variants):
        fail("the bundle ships the AMX CPU variant (ggml-cpu-sapphirerapids), which is not verified")
    info = run(exe, "info", env=env).stdout
    build = next((line.partition(": ")[2] for line in info.splitlines() if line.startswith("llama.cpp:")), "")
    if variants and "CPU variant" not in build:
        fail(f"the bundle has {len(variants)} CPU variants but loaded none:\n{info}")
    return build


def main() -> int:
    bundle = Path(sys.argv[1]) if len(sys.argv) > 1 else default_bundle()
    exe, data_root = layout(bundle)
    if not exe.is_file():
        fail(f"no bundle at {bundle}; build it with `make bundle`")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    runs = []
    for _ in range(3):
        start = time.perf_counter()
        version = run(exe, "--version", env=env).stdout.strip()
        runs.append(time.perf_counter() - start)
    if version != f"inkwell {__version__}":
        fail(f"--version printed {version!r}")

    build = check_build(exe, data_root, env)

    with tempfile.TemporaryDirectory(prefix="inkwell-bundle-test-") as scratch:
        data_dir = Path(scratch)
        listing = json.loads(run(exe, "--data-dir", scratch, "models", "list", "--json", env=env).stdout)
        starter = [m for m in listing if m["source"] == "starter"]
        if not starter or not Path(starter[0]["path"]).resolve().is_relative_to(bundle.resolve()):
            fail(f"the starter model is not the bundle's own: {starter}")
        if Path(starter[0]["path"]).name != STARTER_FILE:
            fail(f"unexpected starter model {starter[0]['path']}")

        styles = run(exe, "--data-dir", scratch, "rewrite", "--list-styles", env=env).stdout
        if "Formal" not in styles:
            fail("the style presets were not found in the bundle")

        first, total, reply, stats = time_to_first_output(
            exe, ["chat", "--data-dir", scratch, "--max-tokens", "16", "--seed", "1",
                  "Say hello in one short sentence."], env)
        if not reply.strip():
            fail("the chat reply is empty")

        check_translations(data_root)
        check_window(exe, env, data_dir / "window")

    print(f"bundle:            {bundle} ({folder_size(bundle) / 1e6:.0f} MB)")
    print(f"llama.cpp:         {build}")
    print(f"--version:         {statistics.median(runs):.2f} s (median of 3)")
    print(f"chat first output: {first:.2f} s from start, {total:.2f} s in all")
    print(f"chat reply:        {reply.strip()!r}")
    print(f"chat statistics:   {stats.strip().splitlines()[-1] if stats.strip() else '-'}")
    print("bundle-test: OK (starter model, presets, translations and the window work from the bundle)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
