"""`inkwell models download` with a split model, against the fake Hub: every part, one command."""

import json
import os
import subprocess
import sys

from tests.fake_hub import SPLIT_PARTS, SPLIT_REPO, FakeHub


def test_models_download_fetches_every_part_of_a_split_model(tmp_path):
    env = dict(os.environ, HF_HOME=str(tmp_path / "hf-home"), HOME=str(tmp_path / "home"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_CACHE", "http_proxy", "https_proxy",
                 "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    data_dir = tmp_path / "inkwell"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), "models", *args],
                              capture_output=True, text=True, timeout=120, env=env)

    with FakeHub() as hub:
        env["HF_ENDPOINT"] = hub.url
        listed = run("download", SPLIT_REPO)
        assert listed.returncode == 0, listed.stderr
        lines = [line for line in listed.stdout.splitlines() if ".gguf" in line]
        assert len(lines) == 1 and SPLIT_PARTS[0] in lines[0] and "2 parts" in lines[0]
        done = run("download", SPLIT_REPO, SPLIT_PARTS[1])  # any part names the model
        assert done.returncode == 0, done.stderr
        assert "part 2/2" in done.stderr
    models = data_dir / "data" / "models"
    for part in SPLIT_PARTS:
        assert (models / part).read_bytes() == hub.data(part, SPLIT_REPO)
    assert done.stdout.strip() == str(models / SPLIT_PARTS[0])

    rows = json.loads(run("list", "--json").stdout)
    split = [row for row in rows if row["name"] == "split-Q4_K_M"]
    assert len(split) == 1 and split[0]["parts"] == 2 and split[0]["problem"] is None
