"""Which prompt style continues a draft best: each style continues each of our short drafts
(packaging/writing_drafts.json) with a fixed seed, and each continuation is judged by the
checks in app/core/writing.py: it carries the draft on, repeats it, talks about it ("The
story has been completed…"), switches language, or writes nothing.

    .venv/bin/python packaging/measure_writing_styles.py [--model PATH] [--seeds 1,2,3]
        [--max-tokens 40] [--show] [--json]

Prints the count of each verdict per style; --show prints every continuation too. The
numbers decide ``DEFAULT_MODE`` in app/core/writing.py; the README has the latest run.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DRAFTS = Path(__file__).resolve().parent / "writing_drafts.json"
SAMPLER_PRESET = "Creative writing"  # what the desk continues with unless the settings say otherwise


def load_drafts(path: Path = DRAFTS) -> list[dict[str, str]]:
    drafts = json.loads(path.read_text(encoding="utf-8"))["drafts"]
    return [{"name": str(d["name"]), "text": str(d["text"])} for d in drafts]


def measure(engine, drafts: list[dict[str, str]], seeds: list[int], max_tokens: int) -> list[dict]:
    """One row per style, draft and seed: the continuation and its verdict."""
    from app.core.generation import ContinuationSource, GenerationRequest
    from app.core.samplers import builtin_presets, find_preset
    from app.core.writing import MODES, judge_continuation

    sampler = find_preset(builtin_presets(), SAMPLER_PRESET).to_sampler()
    rows = []
    for mode in MODES:
        for draft in drafts:
            for seed in seeds:
                pieces: list[str] = []
                request = GenerationRequest(
                    continuation=ContinuationSource(draft["text"], mode=mode),
                    max_tokens=max_tokens,
                    sampler=replace(sampler, seed=seed),
                )
                engine.generate(request, pieces.append)
                text = "".join(pieces)
                rows.append({
                    "style": mode,
                    "draft": draft["name"],
                    "seed": seed,
                    "continuation": text,
                    "verdict": judge_continuation(draft["text"], text),
                })
    return rows


def tally(rows: list[dict]) -> dict[str, dict[str, int]]:
    from app.core.writing import MODES, VERDICTS

    counts = {mode: dict.fromkeys(VERDICTS, 0) for mode in MODES}
    for row in rows:
        counts[row["style"]][row["verdict"]] += 1
    return counts


def format_table(counts: dict[str, dict[str, int]]) -> str:
    from app.core.writing import VERDICTS

    width = max(len(style) for style in counts) + 2
    lines = ["style".ljust(width) + "".join(v.rjust(11) for v in VERDICTS) + "total".rjust(8)]
    for style, row in counts.items():
        lines.append(style.ljust(width) + "".join(str(row[v]).rjust(11) for v in VERDICTS)
                     + str(sum(row.values())).rjust(8))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", metavar="PATH", help="GGUF to measure (default: the starter model)")
    parser.add_argument("--drafts", metavar="FILE", type=Path, default=DRAFTS)
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds, one run per seed")
    parser.add_argument("--max-tokens", type=int, default=40, metavar="N")
    parser.add_argument("--limit", type=int, default=0, metavar="N", help="only the first N drafts")
    parser.add_argument("--show", action="store_true", help="print every continuation")
    parser.add_argument("--json", action="store_true", help="the rows and counts as JSON")
    args = parser.parse_args(argv)

    from app.core.generation import LoadParams
    from app.core.paths import find_starter_model
    from app.engine.headless import HeadlessEngine

    model = Path(args.model) if args.model else find_starter_model()
    if model is None:
        print("No model: pass --model PATH (the starter model is not installed).", file=sys.stderr)
        return 2
    drafts = load_drafts(args.drafts)
    if args.limit:
        drafts = drafts[: args.limit]
    seeds = [int(seed) for seed in args.seeds.split(",") if seed.strip()]
    engine = HeadlessEngine()
    try:
        info = engine.load(str(model), LoadParams(n_ctx=2048))
        rows = measure(engine, drafts, seeds, args.max_tokens)
    finally:
        engine.close()
    counts = tally(rows)
    if args.json:
        print(json.dumps({"model": info.name, "rows": rows, "counts": counts}, ensure_ascii=False, indent=1))
        return 0
    if args.show:
        for row in rows:
            print(f"[{row['style']} · {row['draft']} · seed {row['seed']} · {row['verdict']}] {row['continuation']!r}")
        print()
    print(f"{info.name}: {len(drafts)} drafts × {len(seeds)} seeds, {args.max_tokens} tokens each")
    print(format_table(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
