"""Listing and downloading GGUF files from the Hub, against a fake Hub on 127.0.0.1."""

from __future__ import annotations

import errno
import json
import socket
import threading
from pathlib import Path

import pytest

from app.core.downloads import (
    DEFAULT_ENDPOINT,
    Download,
    DownloadCancelled,
    DownloadError,
    ModelDownload,
    Progress,
    RemoteFile,
    RemoteModel,
    hub_endpoint,
    hub_token,
    list_gguf_files,
    list_gguf_models,
    parse_repo_ref,
    quant_of,
    remote_models,
    transfer,
)
from tests.fake_hub import GATED_REPO, REPO, SPLIT_PARTS, SPLIT_REPO, TOKEN, FakeHub, sha256

MAIN_FILE = "tiny-Q4_K_M.gguf"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No real token, no proxy, and an endpoint that is a closed local port: whatever a
    test forgets to pass, nothing can reach the internet or a user's Hub account."""
    import huggingface_hub.constants

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_ENDPOINT", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    # No token saved by `hf auth login` either.
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))


@pytest.fixture
def hub():
    with FakeHub() as fake:
        yield fake


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def remote_file(hub: FakeHub, path: str = MAIN_FILE, repo: str = REPO) -> RemoteFile:
    data = hub.data(path, repo)
    return RemoteFile(path=path, size=len(data), sha256=sha256(data), quant=quant_of(path))


def make_download(hub: FakeHub, dest: Path, path: str = MAIN_FILE, **kwargs) -> Download:
    kwargs.setdefault("chunk_size", 16 * 1024)
    kwargs.setdefault("timeout", 5)
    return Download(REPO, remote_file(hub, path), dest, endpoint=hub.url, **kwargs)


# -- configuration and names ------------------------------------------------------


def test_hub_endpoint_and_token_come_from_the_environment(monkeypatch, tmp_path):
    import huggingface_hub.constants

    assert hub_endpoint({}) == DEFAULT_ENDPOINT == "https://huggingface.co"
    assert hub_endpoint({"HF_ENDPOINT": "https://hf-mirror.com/"}) == "https://hf-mirror.com"
    assert hub_endpoint({"HF_ENDPOINT": "  "}) == DEFAULT_ENDPOINT
    assert hub_token() is None
    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", "hf_old")
    assert hub_token() == "hf_old"
    monkeypatch.setenv("HF_TOKEN", " hf_abc\n")
    assert hub_token() == "hf_abc"
    # Without the variables, the token `hf auth login` saved (huggingface_hub's lookup).
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN")
    saved = tmp_path / "token"
    saved.write_text("hf_saved\n")
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(saved))
    assert hub_token() == "hf_saved"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bartowski/Llama-3.2-1B-Instruct-GGUF", ("bartowski/Llama-3.2-1B-Instruct-GGUF", None)),
        ("  org/name  ", ("org/name", None)),
        ("org/name/sub/model-Q4_K_M.gguf", ("org/name", "sub/model-Q4_K_M.gguf")),
        ("https://huggingface.co/org/name", ("org/name", None)),
        ("https://huggingface.co/org/name/", ("org/name", None)),
        ("huggingface.co/org/name", ("org/name", None)),
        ("https://hf.co/org/name/tree/main", ("org/name", None)),
        ("https://huggingface.co/org/name/blob/main/model-Q8_0.gguf", ("org/name", "model-Q8_0.gguf")),
        (
            "https://huggingface.co/org/name/resolve/main/Q4/model%20Q4_0.gguf?download=true",
            ("org/name", "Q4/model Q4_0.gguf"),
        ),
        ("https://mirror.example/org/name", ("org/name", None)),  # the HF_ENDPOINT host
    ],
)
def test_parse_repo_ref_accepts(text, expected):
    assert parse_repo_ref(text, endpoint="https://mirror.example") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "owner/name"),
        ("llama", "owner/name"),
        ("org/na me", "owner/name"),
        ("org/--name", "owner/name"),
        ("https://example.com/org/name", "not an address on the Hugging Face Hub"),
        ("https://huggingface.co/datasets/org/name", "is a dataset, not a model"),
        ("https://huggingface.co/org/name/blob/main/README.md", "not a GGUF model file"),
        ("ftp://huggingface.co/org/name", "not an address on the Hugging Face Hub"),
    ],
)
def test_parse_repo_ref_rejects_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        parse_repo_ref(text, endpoint="https://huggingface.co")


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("qwen2.5-7b-instruct-q8_0.gguf", "Q8_0"),
        ("Phi-4-mini.IQ4_XS.gguf", "IQ4_XS"),
        ("model-IQ2_XXS.gguf", "IQ2_XXS"),
        ("gemma-3-4b-it-BF16.gguf", "BF16"),
        ("Phi-3-mini-4k-instruct-fp16.gguf", "F16"),
        ("Qwen3-30B-A3B-UD-Q4_K_XL.gguf", "Q4_K_XL"),
        ("Meta-Llama-3-70B-Q6_K-00001-of-00002.gguf", "Q6_K"),
        ("Q8_0/tiny-Q8_0.gguf", "Q8_0"),
        ("llama-3-8b.gguf", None),
        ("Qwen3-8B.gguf", None),
    ],
)
def test_quant_of_file_names(name, quant):
    assert quant_of(name) == quant


# -- listing ----------------------------------------------------------------------------


def test_list_gguf_files_reports_sizes_checksums_and_quants(hub):
    files = list_gguf_files(REPO, endpoint=hub.url)
    assert files == [
        RemoteFile("Q8_0/tiny-Q8_0.gguf", 200_000, sha256(hub.data("Q8_0/tiny-Q8_0.gguf")), "Q8_0"),
        RemoteFile(MAIN_FILE, 300_000, sha256(hub.data(MAIN_FILE)), "Q4_K_M"),
    ]  # the README and the folder entry are left out; the sub-folder file is found


def test_list_is_one_request_to_the_hubs_model_info(hub):
    list_gguf_files(REPO, endpoint=hub.url)
    (request,) = hub.logged("hub")
    assert request.path == f"/api/models/{REPO}/revision/main"
    assert request.headers["user-agent"].startswith("inkwell/")


def test_list_sends_the_token(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    list_gguf_files(REPO, endpoint=hub.url)
    list_gguf_files(REPO, endpoint=hub.url, token="")  # "": none at all
    assert [r.authorization for r in hub.logged("hub")] == [f"Bearer {TOKEN}", None]


def test_split_parts_are_listed_as_one_model(hub):
    models = list_gguf_models(SPLIT_REPO, endpoint=hub.url)
    assert len(models) == 1
    (model,) = models
    assert [p.path for p in model.parts] == list(SPLIT_PARTS) and model.count == 2
    assert model.name == "split-Q4_K_M" and model.quant == "Q4_K_M" and model.missing == ()
    assert model.size == sum(len(hub.data(p, SPLIT_REPO)) for p in SPLIT_PARTS)
    assert model.has(SPLIT_PARTS[1]) and not model.has("other.gguf")
    assert [m.path for m in list_gguf_models(REPO, endpoint=hub.url)] == ["Q8_0/tiny-Q8_0.gguf", MAIN_FILE]


def test_grouping_split_parts_per_folder_and_missing_parts():
    def f(path):
        return RemoteFile(path, 10, None, quant_of(path))

    models = remote_models([
        f("a/m-Q4_0-00001-of-00003.gguf"), f("a/m-Q4_0-00003-of-00003.gguf"),
        f("b/m-Q4_0-00001-of-00002.gguf"), f("b/m-Q4_0-00002-of-00002.gguf"), f("single.gguf"),
    ])
    assert [(m.path, len(m.parts), m.missing) for m in models] == [
        ("a/m-Q4_0-00001-of-00003.gguf", 2, (2,)),
        ("b/m-Q4_0-00001-of-00002.gguf", 2, ()),
        ("single.gguf", 1, ()),
    ]
    with pytest.raises(DownloadError, match="lacks part"):
        ModelDownload(REPO, models[0], Path("unused")).run()


def test_list_uses_hf_endpoint_when_no_endpoint_is_given(hub, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", hub.url + "/")
    assert len(list_gguf_files(REPO)) == 2


@pytest.mark.parametrize("status", [404, 401])  # the real Hub answers 401 to anonymous callers
def test_list_unknown_repo_says_so(hub, status):
    hub.missing_repo_status = status
    expected = r"There is no model repository 'nobody/nothing' on the Hub \(or it is private"
    with pytest.raises(DownloadError, match=expected):
        list_gguf_files("nobody/nothing", endpoint=hub.url)


def test_list_malformed_repo_id_is_a_value_error(hub):
    with pytest.raises(ValueError, match="owner/name"):
        list_gguf_files("not a repo", endpoint=hub.url)


def test_unreachable_hub_is_reported_as_offline(tmp_path):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(DownloadError, match=r"Could not reach 127\.0\.0\.1: check the network"):
        list_gguf_files(REPO, endpoint=endpoint, timeout=2)
    remote = RemoteFile(MAIN_FILE, 10, None, "Q4_K_M")
    with pytest.raises(DownloadError, match="Could not reach"):
        Download(REPO, remote, tmp_path, endpoint=endpoint, timeout=2).run()
    assert list(tmp_path.iterdir()) == []  # no empty part left in the models folder


# -- downloading ----------------------------------------------------------------------------


def test_full_download_reports_progress_and_verifies(hub, tmp_path):
    seen: list[Progress] = []
    download = make_download(hub, tmp_path / "models", "Q8_0/tiny-Q8_0.gguf")
    path = download.run(progress=seen.append)

    assert path == tmp_path / "models" / "tiny-Q8_0.gguf"  # flattened into the models folder
    assert path.read_bytes() == hub.data("Q8_0/tiny-Q8_0.gguf")
    assert not download.partial_path.exists() and not download.sidecar_path.exists()
    assert seen and all(p.total == 200_000 for p in seen)
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[0].done == 0 and seen[-1].done == 200_000 and seen[-1].seconds_left == 0.0
    assert seen[-1].bytes_per_second > 0 and seen[-1].fraction == 1.0
    # The Hub redirected to the CDN, which got a plain GET.
    assert hub.blob_ranges() == [None]
    assert all(r.headers["user-agent"].startswith("inkwell") for r in hub.requests)
    assert all(r.authorization is None for r in hub.requests)


def test_small_non_lfs_file_is_served_by_the_hub_itself(hub, tmp_path):
    hub.repos[REPO]["small-Q4_0.gguf"] = b"GGUF" + bytes(100)
    remote = RemoteFile("small-Q4_0.gguf", 104, None, "Q4_0")  # no LFS: no SHA-256 in the listing
    path = Download(REPO, remote, tmp_path, endpoint=hub.url).run()
    assert path.read_bytes() == b"GGUF" + bytes(100)
    assert hub.logged("cdn") == []


def test_cancel_keeps_the_part_and_a_new_download_resumes_it(hub, tmp_path):
    hub.chunk_delay = 0.02  # 16 KiB every 20 ms: about 0.4 s for the whole file
    cancel = threading.Event()

    def cancel_midway(progress: Progress) -> None:
        if progress.done > 0:
            cancel.set()

    first = make_download(hub, tmp_path)
    with pytest.raises(DownloadCancelled, match="will resume"):
        first.run(progress=cancel_midway, cancel=cancel)
    kept = first.partial_path.stat().st_size
    assert 0 < kept < 300_000
    assert not first.dest_path.exists()
    assert json.loads(first.sidecar_path.read_text())["sha256"] == sha256(hub.data(MAIN_FILE))

    hub.chunk_delay = 0.0
    seen: list[Progress] = []
    path = make_download(hub, tmp_path).run(progress=seen.append)  # a new object: as after a restart
    assert hub.blob_ranges() == [None, f"bytes={kept}-"]
    assert seen[0].done == kept
    assert path.read_bytes() == hub.data(MAIN_FILE)
    assert sha256(path.read_bytes()) == remote_file(hub).sha256


def test_dropped_connection_keeps_the_part_and_resumes(hub, tmp_path):
    hub.drop_after = 100_000
    download = make_download(hub, tmp_path)
    with pytest.raises(DownloadError, match="interrupted.*resume where it stopped"):
        download.run()
    assert download.partial_path.stat().st_size == 100_000

    path = make_download(hub, tmp_path).run()
    assert hub.blob_ranges() == [None, "bytes=100000-"]
    assert path.read_bytes() == hub.data(MAIN_FILE)


def test_server_ignoring_range_restarts_cleanly(hub, tmp_path):
    hub.drop_after = 120_000
    with pytest.raises(DownloadError):
        make_download(hub, tmp_path).run()
    hub.ignore_range = True  # answers 200 with the whole file to "Range: bytes=120000-"
    seen: list[Progress] = []
    path = make_download(hub, tmp_path).run(progress=seen.append)
    assert hub.blob_ranges() == [None, "bytes=120000-"]
    assert path.read_bytes() == hub.data(MAIN_FILE)  # not 120,000 bytes + the whole file
    assert seen[-1].done == 300_000


def test_checksum_mismatch_removes_the_file(hub, tmp_path):
    hub.corrupt = True
    download = make_download(hub, tmp_path)
    with pytest.raises(DownloadError, match="did not match the Hub's SHA-256; the file was removed"):
        download.run()
    assert list(tmp_path.iterdir()) == []


def test_part_of_a_changed_remote_file_is_started_over(hub, tmp_path):
    download = make_download(hub, tmp_path)
    download.partial_path.write_bytes(b"x" * 50_000)
    record = {"version": 1, "repo": REPO, "path": MAIN_FILE, "size": 300_000, "sha256": "0" * 64, "etag": "0" * 64}
    download.sidecar_path.write_text(json.dumps(record))

    path = download.run()
    assert hub.blob_ranges() == [None]  # no resume from the stale part
    assert path.read_bytes() == hub.data(MAIN_FILE)


def test_part_without_its_record_is_not_trusted(hub, tmp_path):
    download = make_download(hub, tmp_path)
    download.partial_path.write_bytes(b"x" * 50_000)
    assert download.run().read_bytes() == hub.data(MAIN_FILE)
    assert hub.blob_ranges() == [None]


def test_file_replaced_on_the_hub_since_listing_is_reported(hub, tmp_path):
    stale = RemoteFile(MAIN_FILE, 300_000, "a" * 64, "Q4_K_M")  # the listing had another version
    with pytest.raises(DownloadError, match="has changed on the Hub since its list was loaded"):
        Download(REPO, stale, tmp_path, endpoint=hub.url).run()
    assert list(tmp_path.iterdir()) == []


def test_hf_token_is_sent_as_bearer_to_the_hub_only(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    data = hub.data("gated-IQ4_XS.gguf", GATED_REPO)
    remote = RemoteFile("gated-IQ4_XS.gguf", len(data), sha256(data), "IQ4_XS")
    path = Download(GATED_REPO, remote, tmp_path, endpoint=hub.url).run()
    assert path.read_bytes() == data
    assert [r.authorization for r in hub.logged("hub")] == [f"Bearer {TOKEN}"]
    assert [r.authorization for r in hub.logged("cdn")] == [None]  # not leaked to the CDN's host


def test_gated_repo_without_token_asks_for_hf_token(hub, tmp_path):
    data = hub.data("gated-IQ4_XS.gguf", GATED_REPO)
    remote = RemoteFile("gated-IQ4_XS.gguf", len(data), sha256(data), "IQ4_XS")
    with pytest.raises(DownloadError, match=r"is gated: accept its license on the Hub .* set HF_TOKEN"):
        Download(GATED_REPO, remote, tmp_path, endpoint=hub.url).run()
    with pytest.raises(DownloadError, match="is gated and the account of HF_TOKEN has no access"):
        Download(GATED_REPO, remote, tmp_path, endpoint=hub.url, token="hf_someone_else").run()
    assert list(tmp_path.iterdir()) == []


def test_file_missing_from_the_repo_is_named(hub, tmp_path):
    remote = RemoteFile("gone-Q4_0.gguf", 1000, "b" * 64, "Q4_0")
    with pytest.raises(DownloadError, match="'gone-Q4_0.gguf' is not in the model repository"):
        Download(REPO, remote, tmp_path, endpoint=hub.url).run()


def test_server_error_says_try_again_and_keeps_nothing_bad(hub, tmp_path):
    hub.fail_status = 503
    with pytest.raises(DownloadError, match=r"HTTP 503.*try again"):
        make_download(hub, tmp_path).run()
    assert make_download(hub, tmp_path).run().read_bytes() == hub.data(MAIN_FILE)


def test_full_disk_before_starting(hub, tmp_path, monkeypatch):
    monkeypatch.setattr(transfer, "_free_bytes", lambda folder: 100_000)
    with pytest.raises(DownloadError, match=r"The disk is full: 1 MB more are needed"):
        make_download(hub, tmp_path).run()
    assert hub.logged("cdn") == []


def test_full_disk_midway_keeps_the_part(hub, tmp_path, monkeypatch):
    real_write_all = transfer._write_all
    written = [0]

    def fill_up(file, data):
        if written[0] + len(data) > 64 * 1024:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write_all(file, data)
        written[0] += len(data)

    monkeypatch.setattr(transfer, "_write_all", fill_up)
    download = make_download(hub, tmp_path)
    with pytest.raises(DownloadError, match="The disk is full: .* MB more are needed.*kept"):
        download.run()
    assert download.partial_path.stat().st_size == written[0] > 0

    monkeypatch.setattr(transfer, "_write_all", real_write_all)
    assert make_download(hub, tmp_path).run().read_bytes() == hub.data(MAIN_FILE)
    assert hub.blob_ranges()[-1] == f"bytes={written[0]}-"


def test_already_downloaded_file_is_returned_without_downloading(hub, tmp_path):
    make_download(hub, tmp_path).run()
    before = len(hub.requests)
    assert make_download(hub, tmp_path).run() == tmp_path / MAIN_FILE
    assert len(hub.requests) == before


def test_unsafe_file_names_are_refused(tmp_path):
    with pytest.raises(ValueError):
        Download(REPO, RemoteFile("sub/.hidden.gguf", 1, None, None), tmp_path)


def test_etag_change_of_a_file_without_sha256_starts_over(hub, tmp_path):
    data = bytes(range(200)) * 4  # 800 bytes: below the LFS threshold, served by the Hub itself
    hub.repos[REPO]["small-Q4_0.gguf"] = data
    remote = RemoteFile("small-Q4_0.gguf", len(data), None, "Q4_0")
    download = Download(REPO, remote, tmp_path, endpoint=hub.url)
    download.partial_path.write_bytes(b"y" * 300)  # bytes of an older version of the file
    record = {"version": 1, "repo": REPO, "path": remote.path, "size": len(data), "sha256": None, "etag": "old"}
    download.sidecar_path.write_text(json.dumps(record))

    assert download.run().read_bytes() == data
    # The Hub's etag (asked first) is not the part's: the part is not resumed.
    assert [(r.method, r.range) for r in hub.logged("hub")] == [("HEAD", None), ("GET", None)]


def test_complete_part_is_verified_and_kept_without_downloading(hub, tmp_path):
    download = make_download(hub, tmp_path)
    download.partial_path.write_bytes(hub.data(MAIN_FILE))  # as after a crash before the rename
    remote = download.remote
    record = {"version": 1, "repo": REPO, "path": remote.path, "size": remote.size, "sha256": remote.sha256}
    download.sidecar_path.write_text(json.dumps(record))

    assert download.run().read_bytes() == hub.data(MAIN_FILE)
    assert hub.requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [MAIN_FILE]


# -- split models ----------------------------------------------------------------------------


def test_a_split_model_downloads_every_part_with_progress_over_all(hub, tmp_path):
    (model,) = list_gguf_models(SPLIT_REPO, endpoint=hub.url)
    seen: list[Progress] = []
    path = ModelDownload(SPLIT_REPO, model, tmp_path, endpoint=hub.url, chunk_size=16 * 1024).run(progress=seen.append)
    assert path == tmp_path / SPLIT_PARTS[0]
    for part in SPLIT_PARTS:
        assert (tmp_path / part).read_bytes() == hub.data(part, SPLIT_REPO)
    assert {p.total for p in seen} == {model.size} and {p.parts for p in seen} == {2}
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert [p.part for p in seen] == sorted(p.part for p in seen) and seen[-1].part == 2
    assert seen[-1].done == model.size and seen[-1].fraction == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SPLIT_PARTS)  # no part files left


def test_a_cancelled_split_download_resumes_each_part(hub, tmp_path):
    (model,) = list_gguf_models(SPLIT_REPO, endpoint=hub.url)
    first_size = model.parts[0].size
    cancel = threading.Event()
    hub.chunk_delay = 0.02  # 16 KiB every 20 ms: part 2 takes about 0.2 s

    def cancel_in_part_two(progress: Progress) -> None:
        if progress.part == 2 and progress.done > first_size:
            cancel.set()

    with pytest.raises(DownloadCancelled, match=SPLIT_PARTS[1]):
        ModelDownload(SPLIT_REPO, model, tmp_path, endpoint=hub.url, chunk_size=16 * 1024).run(
            progress=cancel_in_part_two, cancel=cancel)
    assert (tmp_path / SPLIT_PARTS[0]).read_bytes() == hub.data(SPLIT_PARTS[0], SPLIT_REPO)
    kept = (tmp_path / f"{SPLIT_PARTS[1]}.part").stat().st_size
    assert 0 < kept < model.parts[1].size
    cdn_before = len(hub.logged("cdn"))

    hub.chunk_delay = 0.0
    seen: list[Progress] = []
    ModelDownload(SPLIT_REPO, model, tmp_path, endpoint=hub.url).run(progress=seen.append)
    assert hub.blob_ranges()[cdn_before:] == [f"bytes={kept}-"]  # part 1 kept, part 2 resumed
    assert seen[0].done == first_size + kept and seen[0].part == 2
    for part in SPLIT_PARTS:
        assert (tmp_path / part).read_bytes() == hub.data(part, SPLIT_REPO)
