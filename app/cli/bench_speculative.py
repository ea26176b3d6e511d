"""`inkwell bench`'s speculative figures (`--only speculative` runs just these): rewrites, and
a continuation of a story, decoded plainly and with prompt-lookup drafting
(app/core/speculation.py), greedy, in the same run, taking turns to go first.

For each case: ``plain_tps`` and ``speculative_tps`` (generation speed after the first token,
the median of the runs), their ``ratio``, the ``acceptance`` (the share of drafted tokens the
sampler kept) and whether the two texts were ``identical``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from app.core.generation import ContinuationSource, GenerationRequest, SamplerSettings
from app.core.rewrite import build_rewrite_messages, builtin_styles, find_style, rewrite_max_tokens

# Greedy: the texts with and without drafting must then be the same, token for token.
GREEDY = SamplerSettings(temperature=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1, seed=1234)

ENGLISH_WITH_MISTAKES = (
    "The lighthouse keeper have lived alone on the island for nearly twelve year. Every morning he "
    "climb the hundred and twenty steps to the lamp room, where he clean the big lens and check the "
    "oil, and every evening he write in the logbook what the weather done that day. He dont mind the "
    "quiet. The gulls was his only company, and he had gave most of them names, which he never told "
    "to nobody. In the winter the storms come from the north-west and the waves breaks over the rocks "
    "so high that the spray reach the gallery windows. On those nights he sit by the lamp with a mug "
    "of tea that go cold before he remember to drink it, and he listen to the wind trying the door. "
    "The supply boat come once a month, if the sea let it. The boatman, a quiet man called Tomas, "
    "bring flour, coffee, paraffin and the letters, though there was rarely any letters for the "
    "keeper. Last spring Tomas brung a small dog that nobody on the mainland wanted, and the keeper, "
    "who had said many times that he did not want no animals, kept it anyway. He call it Fog, "
    "because it arrived on a foggy morning and because it were grey. Now the dog follow him up the "
    "stairs every morning and lie by the lens while he works, and on stormy nights it sleep across "
    "his feet. The keeper say it is a useless dog. He also say, to the gulls and to the logbook, that "
    "the island feel less empty than it use to, and that he are glad the boat came that spring. When "
    "the inspector visit in the autumn, he found the lamp clean, the log complete and the keeper "
    "more cheerful than he had ever saw him, and he wrote in his report that the station were in "
    "excellent order and that the dog, though not regulation, should be allowed to stay."
)
CHINESE_WITH_MISTAKES = (
    "灯塔看守人在岛上独自生活了将近十二年了了。每天早上，他都要爬上一百二十级台阶到灯室，擦干净那面大透镜，"
    "检查灯油够不够，每天傍晚，他再在日志里写下这一天的天气怎么样样。他并不在意安静。海鸥是他唯一的伙伴，"
    "他给大多数海鸥都起了名字，但是从来没有告诉过别人。冬天的时候，风暴从西北方向来，海浪打在礁石上上，"
    "浪花高的能溅到回廊的窗户上。那样的夜里，他坐在灯旁边，手里捧着一杯茶，茶凉了他才想起来喝。他听着风在"
    "试探着那扇门。补给船每个月来一次，如果海面允许的话。船夫是个沉默的人，叫托马斯，他带来面粉、咖啡、"
    "煤油和信件，虽然很少有给看守人的信。去年春天，托马斯带来了一条大陆上没有人要的小狗，看守人说过很多次"
    "他不要动物，可是还是把它留下来了。他叫它雾，因为它是在一个有雾的早晨来的，也因为它是灰色色的。现在这条"
    "狗每天早上跟着他爬楼梯，他干活的时候就趴在透镜旁边，暴风雨的夜里，它就睡在他的脚上。看守人说这是一条"
    "没用的狗。可他也对海鸥和日志说，这个岛没有以前那么空了，他很高兴那年春天船来了。秋天检查员来的时候，"
    "发现灯很干净，日志很完整，看守人比以前任何时候都要开心。"
)
CONTINUE = "Continue"  # not a rewrite style: the case continues its passage
CONTINUATION_TOKENS = 256
CASES = (
    ("fix_grammar_english", "Fix grammar only", ENGLISH_WITH_MISTAKES),
    ("concise_english", "Concise", ENGLISH_WITH_MISTAKES),
    ("fix_grammar_chinese", "Fix grammar only", CHINESE_WITH_MISTAKES),
    # A story's names and phrases come back, but most of a continuation is new: drafting must
    # find that it does not pay and turn itself off (a ratio of at least 0.95).
    ("continue_english", CONTINUE, ENGLISH_WITH_MISTAKES),
)


def step_count(repeats: int) -> int:
    """How many measurements measure_speculative announces."""
    return len(CASES) * 2 * repeats


@dataclass
class _Run:
    text: str
    tps: float
    drafted: int
    accepted: int


def _case_prompt(style_name: str, passage: str, n_ctx: int) -> dict:
    """What a case asks for, as GenerationRequest's fields: built once, sent by every run."""
    if style_name == CONTINUE:
        return {"continuation": ContinuationSource(passage), "max_tokens": CONTINUATION_TOKENS}
    return {"messages": build_rewrite_messages(passage, find_style(builtin_styles(), style_name)),
            "max_tokens": rewrite_max_tokens(passage, n_ctx)}


def _run(engine, request: GenerationRequest) -> _Run:
    # From an empty cache each time: a prompt evaluated in other batches differs in its last
    # bits, and that alone can change a greedy text.
    engine.run(lambda backend: backend.llm.reset())
    chunks: list[str] = []
    stats = engine.generate(request, chunks.append)
    return _Run("".join(chunks), stats.tokens_per_second, stats.drafted_tokens, stats.accepted_draft_tokens)


def measure_speculative(engine, n_ctx: int, repeats: int, announce: Callable[[str], None]) -> dict:
    """Every case, ``repeats`` times each way, the two ways taking turns to go first."""
    result: dict = {}
    for name, style_name, passage in CASES:
        prompt = _case_prompt(style_name, passage, n_ctx)
        runs: dict[bool, list[_Run]] = {False: [], True: []}
        for repeat in range(repeats):
            for speculative in ((False, True) if repeat % 2 == 0 else (True, False)):
                way = "speculative" if speculative else "plain"
                announce(f"speculative: {name}, {way}, run {repeat + 1} of {repeats}")
                request = GenerationRequest(**prompt, sampler=GREEDY, speculative=speculative)
                runs[speculative].append(_run(engine, request))
        plain = statistics.median(run.tps for run in runs[False])
        drafted = statistics.median(run.tps for run in runs[True])
        drafted_tokens = sum(run.drafted for run in runs[True])
        result[name] = {
            "style": style_name,
            "plain_tps": plain,
            "speculative_tps": drafted,
            "ratio": drafted / plain if plain else 0.0,
            "acceptance": sum(run.accepted for run in runs[True]) / drafted_tokens if drafted_tokens else 0.0,
            "identical": all(run.text == runs[False][0].text for run in runs[False] + runs[True]),
            "generated_chars": len(runs[False][0].text),
        }
    return result


def format_lines(result: dict) -> list[str]:
    lines = ["", "Speculative drafting (greedy; drafted from the passage, checked in one batch):", ""]
    header = f"{'case':<22} {'plain tok/s':>11} {'drafted tok/s':>13} {'ratio':>6} {'kept':>5} {'same text':>9}"
    lines += [header, "-" * len(header)]
    for name, row in result.items():
        lines.append(f"{name:<22} {row['plain_tps']:>11.1f} {row['speculative_tps']:>13.1f} {row['ratio']:>6.2f} "
                     f"{row['acceptance']:>5.0%} {'yes' if row['identical'] else 'NO':>9}")
    return lines
