"""Tests for app.core.library: the catalog, model discovery and the fit labels.

Discovery runs on fake folder trees under tmp_path (Inkwell's folder, a
Hugging Face cache with symlinked snapshots, LM Studio and GPT4All folders
under a fake home), with tiny GGUFs written by tests/gguf_fixtures.py.
Expected memory figures are worked out by hand in the comments.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from app.core.gguf import GGUFInfo
from app.core.library import (
    CatalogEntry,
    Fit,
    ModelFile,
    catalog_fit,
    default_catalog_path,
    default_search_folders,
    discover,
    fit_label,
    format_size,
    huggingface_cache,
    load_catalog,
    model_fit,
    split_part,
)
from app.core.offload import memory_needed
from app.core.paths import AppPaths
from tests.gguf_fixtures import F32, build_gguf, write_gguf

REPO = Path(__file__).resolve().parent.parent

needs_symlinks = pytest.mark.skipif(
    sys.platform == "win32", reason="symlinks need special rights on Windows"
)


# ==========================================================================
# Catalog
# ==========================================================================


def test_default_catalog_is_the_checkouts() -> None:
    assert default_catalog_path() == REPO / "models" / "catalog.toml"


def test_catalog_loads_and_every_entry_is_valid() -> None:
    entries = load_catalog()
    assert len(entries) >= 10
    assert len({e.id for e in entries}) == len(entries)
    for e in entries:
        assert isinstance(e, CatalogEntry)
        assert e.size_bytes > 100_000_000, e.id  # a real model, not a typo
        assert e.file.endswith(".gguf"), e.id
        assert e.repo.count("/") == 1 and e.repo.endswith("-GGUF"), e.id
        assert e.quant.upper() in e.file.upper(), e.id
        assert e.context_length >= 2048, e.id
        assert e.languages and all(isinstance(code, str) for code in e.languages), e.id
        assert isinstance(e.chat_template, bool), e.id
        assert e.name and e.license and e.good_for, e.id
        assert e.parameter_billions > 0, e.id
        # Every curated model carries its exact KV figure.
        assert e.kv_bytes_per_token and e.kv_bytes_per_token > 0, e.id
        # A Q4_K_M is about 4.5-6 bits a weight: the size must match the
        # parameter count within reason (catches a misplaced digit).
        bits_per_weight = e.size_bytes * 8 / (e.parameter_billions * 1e9)
        assert 3.5 < bits_per_weight < 9, (e.id, bits_per_weight)


def test_catalog_has_the_required_models() -> None:
    by_file = {(e.repo, e.file) for e in load_catalog()}
    for size in ("0.5B", "1.5B", "3B"):
        repo = f"Qwen/Qwen2.5-{size}-Instruct-GGUF"
        assert (repo, f"qwen2.5-{size.lower()}-instruct-q4_k_m.gguf") in by_file
    assert (
        "Qwen/Qwen2.5-7B-Instruct-GGUF",
        "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf",
    ) in by_file
    for size in ("1B", "3B"):
        repo = f"bartowski/Llama-3.2-{size}-Instruct-GGUF"
        assert (repo, f"Llama-3.2-{size}-Instruct-Q4_K_M.gguf") in by_file
    repos = {repo for repo, _ in by_file}
    for repo in (
        "bartowski/gemma-2-2b-it-GGUF",
        "bartowski/Phi-3.5-mini-instruct-GGUF",
        "bartowski/Mistral-7B-Instruct-v0.3-GGUF",
    ):
        assert repo in repos
    assert any("SmolLM2-1.7B-Instruct" in repo for repo in repos)


def test_chinese_models_say_so() -> None:
    qwen = [e for e in load_catalog() if e.id.startswith("qwen")]
    assert len(qwen) == 4
    assert all("zh" in e.languages for e in qwen)


def test_split_catalog_entry_lists_every_part() -> None:
    entry = next(e for e in load_catalog() if e.id == "qwen2.5-7b")
    assert entry.files == (
        "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf",
        "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf",
    )
    assert entry.urls[1] == (
        "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-GGUF/resolve/main/"
        "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf"
    )
    single = next(e for e in load_catalog() if e.id == "llama-3.2-1b")
    assert single.files == (single.file,)


GOOD_ENTRY = """\
[[model]]
id = "fine"
name = "Fine Model"
repo = "org/Fine-GGUF"
file = "fine-q4_k_m.gguf"
quant = "Q4_K_M"
size_bytes = 1_000_000_000
parameters = "1.5B"
context_length = 4096
license = "apache-2.0"
languages = ["en"]
good_for = "tests"
chat_template = true
"""


def _write_catalog(tmp_path: Path, second_entry: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(GOOD_ENTRY + "\n" + second_entry, encoding="utf-8")
    return path


def _bad_entry(**changes: str | None) -> str:
    """GOOD_ENTRY as "bad-one", with fields replaced (None: removed)."""
    lines = []
    fields = dict(line.split(" = ", 1) for line in GOOD_ENTRY.splitlines()[1:])
    fields["id"] = '"bad-one"'
    fields.update(changes)
    for key, value in fields.items():
        if value is not None:
            lines.append(f"{key} = {value}")
    return "[[model]]\n" + "\n".join(lines) + "\n"


def test_a_good_catalog_file_loads(tmp_path: Path) -> None:
    entries = load_catalog(_write_catalog(tmp_path, _bad_entry()))
    assert [e.id for e in entries] == ["fine", "bad-one"]
    assert entries[0].languages == ("en",)
    assert entries[0].kv_bytes_per_token is None
    assert entries[0].parameter_billions == 1.5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"size_bytes": "-5"}, "size_bytes"),
        ({"size_bytes": "true"}, "size_bytes"),
        ({"size_bytes": '"1 GB"'}, "size_bytes"),
        ({"context_length": "0"}, "context_length"),
        ({"file": '"model.bin"'}, "file"),
        ({"file": '"../model.gguf"'}, "file"),
        ({"repo": '"just-a-name"'}, "repo"),
        ({"repo": '"a/b/c"'}, "repo"),
        ({"license": None}, "license"),
        ({"name": '""'}, "name"),
        ({"languages": "[]"}, "languages"),
        ({"languages": '"en"'}, "languages"),
        ({"chat_template": '"yes"'}, "chat_template"),
        ({"parameters": '"big"'}, "parameters"),
        ({"kv_bytes_per_token": "0"}, "kv_bytes_per_token"),
        ({"sizebytes": "5"}, "sizebytes"),
    ],
)
def test_a_bad_entry_is_named(tmp_path: Path, changes: dict[str, str | None], field: str) -> None:
    path = _write_catalog(tmp_path, _bad_entry(**changes))
    with pytest.raises(ValueError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert "'bad-one'" in message and "#2" in message
    assert field in message
    assert "catalog.toml" in message


def test_duplicate_id(tmp_path: Path) -> None:
    path = _write_catalog(tmp_path, _bad_entry(id='"fine"'))
    with pytest.raises(ValueError, match="'fine'.*duplicate"):
        load_catalog(path)


def test_bad_id_is_named_even_unquoted(tmp_path: Path) -> None:
    path = _write_catalog(tmp_path, _bad_entry(id='"Has Spaces"'))
    with pytest.raises(ValueError, match=r"#2 \('Has Spaces'\): id"):
        load_catalog(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[model]\nid = 'x'", "not valid TOML"),
        ("title = 'no models'\n", "unknown top-level"),
        ("", "no [[model]]"),
        ("model = 'x'\n", "no [[model]]"),
    ],
)
def test_bad_catalog_file(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=words.replace("[", r"\[")):
        load_catalog(path)


def test_missing_catalog_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_catalog(tmp_path / "nope.toml")


# ==========================================================================
# Discovery
# ==========================================================================

TINY_METADATA: dict[str, object] = {
    "general.architecture": "llama",
    "llama.context_length": 2048,
    "llama.block_count": 2,
    "llama.embedding_length": 64,
    "llama.attention.head_count": 4,
    "llama.attention.head_count_kv": 2,
}
TINY_TENSORS = [
    ("token_embd.weight", [64, 32], F32),
    ("blk.0.attn_q.weight", [64, 64], F32),
    ("blk.1.attn_q.weight", [64, 64], F32),
    ("output.weight", [64, 32], F32),
]


def tiny_model(path: Path, name: str | None = None, **metadata: object) -> Path:
    """A small valid GGUF (about 49 KB) at ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(TINY_METADATA)
    if name is not None:
        meta["general.name"] = name
    meta.update({key.replace("__", "."): value for key, value in metadata.items()})
    return write_gguf(path, meta, TINY_TENSORS)  # type: ignore[arg-type]


def by_name(models: list[ModelFile]) -> dict[str, ModelFile]:
    names = [m.name for m in models]
    assert len(names) == len(set(names)), names
    return {m.name: m for m in models}


@pytest.fixture
def inkwell_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inkwell" / "models"
    tiny_model(folder / "good.gguf", "Good Model")
    good_bytes = (folder / "good.gguf").read_bytes()
    (folder / "truncated.gguf").write_bytes(good_bytes[: len(good_bytes) - 1000])
    (folder / "notes.gguf").write_text("These are my notes, not a model.\n" * 10)
    (folder / "readme.txt").write_text("not a model")
    (folder / "partial.gguf.part").write_bytes(good_bytes[:100])  # a download in progress
    (folder / "._good.gguf").write_bytes(b"\x00\x05\x16\x07")  # macOS resource fork
    # A complete split model, in a subfolder, and one missing its part 2.
    for i in (1, 2, 3):
        tiny_model(folder / "big" / f"big-model-q4-0000{i}-of-00003.gguf")
    for i in (1, 3):
        tiny_model(folder / f"broken-split-0000{i}-of-00003.gguf")
    return folder


def test_inkwell_folder(inkwell_folder: Path) -> None:
    models = by_name(discover([("inkwell", inkwell_folder)]))
    assert sorted(models) == ["big-model-q4", "broken-split", "good", "notes", "truncated"]
    assert all(m.source == "inkwell" and m.deletable for m in models.values())

    good = models["good"]
    assert good.problem is None and good.usable
    assert good.info is not None and good.info.name == "Good Model"
    assert good.path == inkwell_folder / "good.gguf"
    assert good.parts == (good.path,)
    assert good.size_bytes == good.path.stat().st_size > 40_000

    # Bad files are listed with the reader's message for people.
    assert models["truncated"].info is None
    assert "incomplete" in (models["truncated"].problem or "")
    assert models["notes"].info is None
    assert "not a GGUF model file" in (models["notes"].problem or "")
    assert not models["notes"].usable


def test_split_models(inkwell_folder: Path) -> None:
    models = by_name(discover([("inkwell", inkwell_folder)]))
    big = models["big-model-q4"]
    folder = inkwell_folder / "big"
    assert big.path == folder / "big-model-q4-00001-of-00003.gguf"
    assert big.parts == tuple(folder / f"big-model-q4-0000{i}-of-00003.gguf" for i in (1, 2, 3))
    assert big.size_bytes == sum(p.stat().st_size for p in big.parts)
    assert big.problem is None and big.info is not None

    broken = models["broken-split"]
    assert broken.parts == (
        inkwell_folder / "broken-split-00001-of-00003.gguf",
        inkwell_folder / "broken-split-00003-of-00003.gguf",
    )
    assert broken.problem is not None
    assert "missing part 2 of 3" in broken.problem
    assert not broken.usable


def test_split_model_missing_its_first_part(tmp_path: Path) -> None:
    for i in (2, 3):
        tiny_model(tmp_path / f"m-0000{i}-of-00003.gguf")
    (model,) = discover([("added", tmp_path)])
    assert model.name == "m"
    assert model.path == tmp_path / "m-00001-of-00003.gguf"
    assert model.info is None
    assert "missing part 1 of 3" in (model.problem or "")
    assert len(model.parts) == 2


def test_several_missing_parts(tmp_path: Path) -> None:
    tiny_model(tmp_path / "m-00001-of-00004.gguf")
    tiny_model(tmp_path / "m-00004-of-00004.gguf")
    (model,) = discover([("added", tmp_path)])
    assert "missing parts 2, 3 of 4" in (model.problem or "")
    # The header of part 1 is still shown.
    assert model.info is not None


def make_hf_cache(hub: Path) -> Path:
    """The Hugging Face hub cache layout: blobs, and snapshots linking to them.

    Two snapshots (revisions) of one repository both link the same blob;
    a third file exists only in the newer snapshot.
    """
    repo = hub / "models--org--Tiny-GGUF"
    blobs = repo / "blobs"
    blobs.mkdir(parents=True)
    blob = tiny_model(blobs / "3f2a9c0d", "Tiny From HF")
    other = tiny_model(blobs / "77aa01", "Other From HF")
    (blobs / "5e5e.incomplete").write_bytes(b"GGUF")  # a download in progress
    for rev in ("aaaa1111", "bbbb2222"):
        snap = repo / "snapshots" / rev
        snap.mkdir(parents=True)
        os.symlink(Path("..", "..", "blobs", blob.name), snap / "tiny-q4_k_m.gguf")
        (snap / "README.md").write_text("model card")
    newest = repo / "snapshots" / "bbbb2222"
    os.symlink(Path("..", "..", "blobs", other.name), newest / "other.gguf")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("bbbb2222")
    (hub / ".locks").mkdir()
    (hub / ".locks" / "x.gguf").write_text("")
    return repo


@needs_symlinks
def test_huggingface_cache(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    repo = make_hf_cache(hub)
    models = by_name(discover([("huggingface", hub)]))
    assert sorted(models) == ["other", "tiny-q4_k_m"]  # each snapshot's link once
    tiny = models["tiny-q4_k_m"]
    assert tiny.source == "huggingface" and not tiny.deletable
    # The link's path (with the real file name), not the blob's.
    assert tiny.path.parent.parent == repo / "snapshots"
    assert tiny.path.name == "tiny-q4_k_m.gguf"
    assert tiny.info is not None and tiny.info.name == "Tiny From HF"
    assert tiny.size_bytes == (repo / "blobs" / "3f2a9c0d").stat().st_size
    assert tiny.problem is None


@needs_symlinks
def test_broken_link_is_listed(tmp_path: Path) -> None:
    snap = tmp_path / "models--a--b" / "snapshots" / "rev"
    snap.mkdir(parents=True)
    os.symlink(Path("..", "..", "blobs", "gone"), snap / "gone.gguf")
    (model,) = discover([("huggingface", tmp_path)])
    assert model.info is None and "not found" in (model.problem or "")
    assert model.size_bytes == 0


def test_split_part_names() -> None:
    assert split_part("Qwen-7B-Q4_K_M-00002-of-00003.gguf") == ("Qwen-7B-Q4_K_M", 2, 3)
    assert split_part("folder/m-00001-of-00002.GGUF") == ("m", 1, 2)
    assert split_part("m-00004-of-00003.gguf") is None  # no real part
    assert split_part("m-00000-of-00003.gguf") is None
    assert split_part("model-Q4_K_M.gguf") is None


@needs_symlinks
def test_split_model_in_huggingface_cache(tmp_path: Path) -> None:
    """Parts are links to blobs with hash names: the path stays the link's,
    where llama.cpp finds the other parts by name."""
    repo = tmp_path / "models--org--Split-GGUF"
    (repo / "blobs").mkdir(parents=True)
    snap = repo / "snapshots" / "rev1"
    snap.mkdir(parents=True)
    for i in (1, 2):
        blob = tiny_model(repo / "blobs" / f"hash{i}")
        os.symlink(Path("..", "..", "blobs", blob.name), snap / f"s-q4-0000{i}-of-00002.gguf")
    (model,) = discover([("huggingface", tmp_path)])
    assert model.name == "s-q4"
    assert model.path == snap / "s-q4-00001-of-00002.gguf"
    assert len(model.parts) == 2 and model.problem is None


@needs_symlinks
def test_link_loop_ends(tmp_path: Path) -> None:
    tiny_model(tmp_path / "a" / "m.gguf")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink("self.gguf", tmp_path / "a" / "self.gguf")  # a file link to itself
    models = by_name(discover([("added", tmp_path)], max_depth=20))
    assert sorted(models) == ["m", "self"]
    assert models["self"].problem is not None


def test_max_depth(tmp_path: Path) -> None:
    tiny_model(tmp_path / "1" / "2" / "3" / "deep.gguf")
    tiny_model(tmp_path / "top.gguf")
    assert [m.name for m in discover([("added", tmp_path)], max_depth=2)] == ["top"]
    assert [m.name for m in discover([("added", tmp_path)], max_depth=3)] == ["deep", "top"]
    assert [m.name for m in discover([("added", tmp_path)], max_depth=0)] == ["top"]


def test_unreadable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_model(tmp_path / "ok.gguf")
    locked = tmp_path / "locked"
    tiny_model(locked / "hidden.gguf")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        # chmod 0 would not stop root, who runs these tests in containers.
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    assert [m.name for m in discover([("added", tmp_path)])] == ["ok"]


def test_missing_folder_is_skipped(tmp_path: Path) -> None:
    assert discover([("added", tmp_path / "nope"), ("added", tmp_path / "file.txt")]) == []


def test_vision_projector_and_adapter_are_not_models(tmp_path: Path) -> None:
    tiny_model(tmp_path / "mmproj-model-f16.gguf", general__architecture="clip")
    tiny_model(tmp_path / "lora.gguf", general__type="adapter")
    models = by_name(discover([("added", tmp_path)]))
    assert "projector" in (models["mmproj-model-f16"].problem or "")
    assert "adapter" in (models["lora"].problem or "")
    assert models["lora"].info is not None


def test_starter_first_and_deduplicated(tmp_path: Path) -> None:
    starter = tiny_model(tmp_path / "pkg" / "zzz-starter.gguf", "Starter")
    tiny_model(tmp_path / "models" / "aaa.gguf")
    models = discover([("inkwell", tmp_path / "models"), ("added", tmp_path / "pkg")], starter)
    assert [(m.name, m.source) for m in models] == [("zzz-starter", "starter"), ("aaa", "inkwell")]
    assert not models[0].deletable


def test_missing_starter_is_listed_with_a_problem(tmp_path: Path) -> None:
    (model,) = discover([], tmp_path / "gone.gguf")
    assert model.source == "starter" and "not found" in (model.problem or "")


def test_same_folder_twice_first_source_wins(tmp_path: Path) -> None:
    tiny_model(tmp_path / "m.gguf")
    models = discover([("inkwell", tmp_path), ("added", tmp_path)])
    assert [(m.name, m.source) for m in models] == [("m", "inkwell")]


def test_sorted_by_name_case_insensitively(tmp_path: Path) -> None:
    for name in ("beta", "Alpha", "gamma"):
        tiny_model(tmp_path / f"{name}.gguf")
    assert [m.name for m in discover([("added", tmp_path)])] == ["Alpha", "beta", "gamma"]


def test_model_name() -> None:
    def model(name: str) -> ModelFile:
        return ModelFile(Path("/m") / name, (Path("/m") / name,), "added", 1, None, None)

    assert model("Qwen-7B-00001-of-00003.gguf").name == "Qwen-7B"
    assert model("phi.Q4_K_M.GGUF").name == "phi.Q4_K_M"
    assert model("weird.bin").name == "weird.bin"


# ==========================================================================
# Search folders
# ==========================================================================


def make_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for folder in (
        ".cache/huggingface/hub",
        ".lmstudio/models",
        ".cache/lm-studio/models",
        ".local/share/nomic.ai/GPT4All",
        "Library/Application Support/nomic.ai/GPT4All",
    ):
        (home / folder).mkdir(parents=True)
    return home


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    app_paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "cache")
    app_paths.models_dir.mkdir(parents=True)
    return app_paths


def test_default_folders_linux(tmp_path: Path, paths: AppPaths) -> None:
    home = make_home(tmp_path)
    added = tmp_path / "my models"
    added.mkdir()
    folders = default_search_folders(
        paths, [added, tmp_path / "gone"], home=home, env={}, system="Linux",
        hf_cache=home / ".cache/huggingface/hub",
    )
    assert folders == [
        ("inkwell", paths.models_dir),
        ("added", added),
        ("huggingface", home / ".cache/huggingface/hub"),
        ("lmstudio", home / ".lmstudio/models"),
        ("lmstudio", home / ".cache/lm-studio/models"),
        ("gpt4all", home / ".local/share/nomic.ai/GPT4All"),
    ]


def test_default_folders_macos_and_windows(tmp_path: Path, paths: AppPaths) -> None:
    home = make_home(tmp_path)
    mac = dict(default_search_folders(paths, home=home, env={}, system="Darwin"))
    assert mac["gpt4all"] == home / "Library/Application Support/nomic.ai/GPT4All"

    local = tmp_path / "AppData" / "Local"
    (local / "nomic.ai" / "GPT4All").mkdir(parents=True)
    win = dict(
        default_search_folders(paths, home=home, env={"LOCALAPPDATA": str(local)}, system="Windows")
    )
    assert win["gpt4all"] == local / "nomic.ai" / "GPT4All"


def test_huggingface_cache_is_where_huggingface_hub_says(tmp_path: Path, paths: AppPaths, monkeypatch) -> None:
    """HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, ~/.cache/huggingface/hub: huggingface_hub reads
    them (when imported); Inkwell uses what it found."""
    from huggingface_hub import constants

    home = make_home(tmp_path)
    hub_cache = tmp_path / "hub-cache"
    hub_cache.mkdir()

    def hf() -> Path | None:
        return dict(default_search_folders(paths, home=home, env={}, system="Linux")).get("huggingface")

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub_cache))
    assert huggingface_cache() == hub_cache and hf() == hub_cache
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "missing"))
    assert hf() is None


def test_huggingface_cache_follows_the_environment_at_start(tmp_path: Path) -> None:
    import subprocess
    import sys

    def cache(**env: str) -> str:
        code = "from app.core.library import huggingface_cache; print(huggingface_cache())"
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_", "XDG_CACHE"))}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                                env={**clean, **env}, cwd=REPO, check=True)
        return result.stdout.strip()

    assert cache(HF_HOME=str(tmp_path / "hf")) == str(tmp_path / "hf" / "hub")
    assert cache(HF_HOME=str(tmp_path / "hf"), HF_HUB_CACHE=str(tmp_path / "c")) == str(tmp_path / "c")


def test_only_existing_folders(tmp_path: Path) -> None:
    empty_home = tmp_path / "empty-home"
    empty_home.mkdir()
    paths = AppPaths(tmp_path / "d", tmp_path / "c", tmp_path / "k")  # models_dir not created
    assert default_search_folders(paths, home=empty_home, env={}, system="Linux", hf_cache=empty_home / "hf") == []


def test_added_folder_that_is_inkwells_own(tmp_path: Path, paths: AppPaths) -> None:
    folders = default_search_folders(
        paths, [paths.models_dir], home=tmp_path / "no-home", env={}, system="Linux",
        hf_cache=tmp_path / "no-home" / "hf",
    )
    assert folders == [("inkwell", paths.models_dir)]


def test_fake_home_end_to_end(tmp_path: Path, paths: AppPaths) -> None:
    """LM Studio and GPT4All models found through a fake home and env."""
    home = tmp_path / "home"
    tiny_model(home / ".lmstudio/models/lmstudio-community/Foo-GGUF/foo.gguf")
    tiny_model(home / ".local/share/nomic.ai/GPT4All/bar.gguf")
    tiny_model(paths.models_dir / "mine.gguf")
    hub = tmp_path / "hf" / "hub"
    if sys.platform != "win32":
        make_hf_cache(hub)
    folders = default_search_folders(paths, home=home, env={}, system="Linux", hf_cache=hub)
    sources = {m.name: m.source for m in discover(folders)}
    expected = {"mine": "inkwell", "foo": "lmstudio", "bar": "gpt4all"}
    if sys.platform != "win32":
        expected |= {"tiny-q4_k_m": "huggingface", "other": "huggingface"}
    assert sources == expected


# ==========================================================================
# Fit
# ==========================================================================

GB = 1_000_000_000


def synthetic_info(file_size: int | None = None) -> GGUFInfo:
    """10 blocks of 100 MB + 50 MB of embeddings/output; 8 heads of 128, no GQA."""
    weights = 10 * 100_000_000 + 50_000_000
    return GGUFInfo(
        path=Path("synthetic.gguf"),
        version=3,
        file_size=file_size if file_size is not None else weights + 1_000_000,
        tensor_count=30,
        metadata={
            "general.architecture": "llama",
            "llama.block_count": 10,
            "llama.context_length": 4096,
            "llama.embedding_length": 1024,
            "llama.attention.head_count": 8,
            "llama.attention.head_count_kv": 8,
        },
        data_end=weights + 1_000_000,
        layer_bytes=(100_000_000,) * 10,
        other_bytes=50_000_000,
        data_offset=1_000_000,
    )


# At 1,000 tokens: weights 1,050,000,000 + compute (5% = 52,500,000 + 64 MiB
# = 67,108,864) + KV (10 layers x 1,000 tokens x (1024 + 1024) x 2 bytes =
# 40,960,000) = 1,210,568,864.
NEEDED_1000 = 1_210_568_864


def test_synthetic_needs() -> None:
    assert memory_needed(synthetic_info(), 1000) == NEEDED_1000


@pytest.mark.parametrize(
    ("ram", "vram", "label"),
    [
        (NEEDED_1000 * 5 // 4 + 1, None, Fit.FITS),  # needed <= 80% of free
        (NEEDED_1000 * 5 // 4 - 10, None, Fit.TIGHT),
        (NEEDED_1000, None, Fit.TIGHT),  # exactly all of it
        (NEEDED_1000 - 1, None, Fit.WONT_FIT),
        (0, None, Fit.WONT_FIT),
        (None, None, Fit.UNKNOWN),
        # RAM and GPU memory add up: neither alone would do.
        (NEEDED_1000 // 2, NEEDED_1000 // 2 + 1, Fit.TIGHT),
        (NEEDED_1000 * 5 // 8 + 1, NEEDED_1000 * 5 // 8 + 1, Fit.FITS),
        # Only the GPU's memory known: enough there is enough...
        (None, 2 * NEEDED_1000, Fit.FITS),
        # ...but too little there proves nothing about RAM.
        (None, NEEDED_1000 // 2, Fit.UNKNOWN),
    ],
)
def test_fit_thresholds(ram: int | None, vram: int | None, label: Fit) -> None:
    got, explanation = fit_label(synthetic_info(), 1000, ram, vram)
    assert got == label
    assert "needs about 1.2 GB at 1,000 tokens of context" in explanation


def test_fit_explanations() -> None:
    info = synthetic_info()
    assert fit_label(info, 1000, 11_200_000_000, None) == (
        Fit.FITS,
        "needs about 1.2 GB at 1,000 tokens of context; 11.2 GB free",
    )
    label, text = fit_label(info, 1000, 8 * GB, 3 * GB)
    assert text.endswith("11.0 GB free (8.0 GB RAM + 3.0 GB GPU)")
    label, text = fit_label(info, 1000, 1 * GB, None)
    assert label == Fit.WONT_FIT and text.endswith("but only 1.0 GB free")
    label, text = fit_label(info, 1000, None, None)
    assert "could not read this computer's free memory" in text


def test_fit_uses_the_trained_context_for_zero() -> None:
    label, text = fit_label(synthetic_info(), 0, 100 * GB, None)
    assert "4,096 tokens" in text
    # 10 x 4,096 x 2,048 x 2 = 167,772,160 of KV instead of 40,960,000.
    assert format_size(NEEDED_1000 - 40_960_000 + 167_772_160) in text


def test_fit_kv_type() -> None:
    # q4_0 stores 18 bytes per 32 elements: a 64k context's KV cache shrinks
    # from 10 x 65,536 x 2,048 x 2 = 2.68 GB to 0.75 GB.
    info = synthetic_info()
    ram = 3_500_000_000
    assert fit_label(info, 65536, ram, None)[0] == Fit.WONT_FIT
    assert fit_label(info, 65536, ram, None, "q4_0")[0] == Fit.FITS


def test_split_model_counts_every_part() -> None:
    # The first part's header covers 1 GB of weights; all parts hold 10 GB.
    info = synthetic_info()
    assert fit_label(info, 1000, 4 * GB, None)[0] == Fit.FITS
    label, text = fit_label(info, 1000, 4 * GB, None, total_bytes=10 * GB)
    assert label == Fit.WONT_FIT
    # 10 GB + 5% + 64 MiB + the same KV: about 10.6 GB.
    assert "needs about 10.6 GB" in text


def test_model_fit(tmp_path: Path) -> None:
    for i in (1, 2):
        tiny_model(tmp_path / f"s-0000{i}-of-00002.gguf")
    tiny_model(tmp_path / "one.gguf")
    (tmp_path / "bad.gguf").write_text("nope")
    models = by_name(discover([("added", tmp_path)]))
    assert model_fit(models["one"], 512, 10 * GB, None)[0] == Fit.FITS
    label, text = model_fit(models["bad"], 512, 10 * GB, None)
    assert label == Fit.UNKNOWN and "not a GGUF" in text
    split = models["s"]
    assert len(split.parts) == 2 and split.info is not None
    # Both parts' data, not the first part's alone.
    assert model_fit(split, 512, 10 * GB, None) == fit_label(
        split.info, 512, 10 * GB, None, total_bytes=split.size_bytes
    )
    # Memory for the first part alone, as 80% of the free RAM: the whole
    # model (twice the data) is then over the line.
    ram = memory_needed(split.info, 512) * 5 // 4 + 1
    assert fit_label(split.info, 512, ram, None)[0] == Fit.FITS
    assert model_fit(split, 512, ram, None)[0] == Fit.TIGHT


def catalog_entry(**fields: object) -> CatalogEntry:
    values: dict[str, object] = dict(
        id="x",
        name="X",
        repo="o/X-GGUF",
        file="x.gguf",
        quant="Q4_K_M",
        size_bytes=GB,
        parameters="2B",
        context_length=8192,
        license="mit",
        languages=("en",),
        good_for="tests",
        chat_template=True,
        kv_bytes_per_token=100_000,
    )
    values.update(fields)
    return CatalogEntry(**values)  # type: ignore[arg-type]


def test_catalog_fit() -> None:
    # 1 GB x 1.1 + 100,000 x 1,000 = 1.2 GB.
    entry = catalog_entry()
    assert catalog_fit(entry, 1000, 1_500_000_000, None) == (
        Fit.FITS,
        "needs about 1.2 GB at 1,000 tokens of context; 1.5 GB free",
    )
    assert catalog_fit(entry, 1000, 1_450_000_000, None)[0] == Fit.TIGHT
    assert catalog_fit(entry, 1000, 1_150_000_000, None)[0] == Fit.WONT_FIT
    assert catalog_fit(entry, 1000, None, None)[0] == Fit.UNKNOWN
    # n_ctx 0: the trained 8,192 tokens: 1.1 GB + 0.82 GB = 1.9 GB.
    assert "needs about 1.9 GB at 8,192 tokens" in catalog_fit(entry, 0, 10 * GB, None)[1]
    # q8_0: 34/64 of the f16 cache: 1.1 GB + 0.44 GB = 1.5 GB.
    assert "about 1.5 GB" in catalog_fit(entry, 0, 10 * GB, None, "q8_0")[1]
    with pytest.raises(ValueError, match="KV cache type"):
        catalog_fit(entry, 1000, GB, None, "f8")


def test_catalog_fit_without_kv_figure() -> None:
    # 64 KiB x 2 (billions) x 10,000 tokens = 1,310,720,000; + 1.1 GB = 2.4 GB.
    entry = catalog_entry(kv_bytes_per_token=None)
    assert "about 2.4 GB" in catalog_fit(entry, 10_000, 10 * GB, None)[1]
    assert catalog_entry(parameters="500M").parameter_billions == 0.5


def test_catalog_fit_real_entries_are_sensible() -> None:
    """Every catalog model fits a 16 GB machine at 4,096 tokens; the 7B ones
    not a 4 GB one."""
    for entry in load_catalog():
        assert catalog_fit(entry, 4096, 16 * GB, None)[0] == Fit.FITS, entry.id
        if entry.parameter_billions >= 7:
            assert catalog_fit(entry, 4096, 4 * GB, None)[0] == Fit.WONT_FIT, entry.id


def test_fit_is_a_str() -> None:
    assert Fit.WONT_FIT == "won't fit"
    assert str(Fit.TIGHT) == "tight"
    assert f"{Fit.FITS}" == "fits"


# ==========================================================================
# Sizes
# ==========================================================================


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (1000, "1 KB"),
        (98_000, "98 KB"),
        (999_499, "999 KB"),
        (999_600, "1 MB"),  # not "1000 KB"
        (98_000_000, "98 MB"),
        (98_400_000, "98 MB"),
        (999_900_000, "1.0 GB"),
        (1_400_000_000, "1.4 GB"),
        (1_117_000_000, "1.1 GB"),
        (11_234_000_000, "11.2 GB"),
        (2_500_000_000_000, "2.5 TB"),
        (-5, "0 bytes"),
    ],
)
def test_format_size(n: int, text: str) -> None:
    assert format_size(n) == text


def test_tiny_model_helper_builds_a_readable_file(tmp_path: Path) -> None:
    # Guards the fixtures: the sizes the discovery tests rely on are real.
    data = build_gguf(TINY_METADATA, TINY_TENSORS)  # type: ignore[arg-type]
    assert len(data) > 40_000
