"""Story continuation: word counts and fitting a long draft into the model's context."""

import random
import re

import pytest

from app.core.generation import ChatMessage
from app.core.writing import (
    DEFAULT_MODE,
    INSTRUCT_SYSTEM,
    LENGTHS,
    MODES,
    build_continuation,
    count_words,
    join_continuation,
    judge_continuation,
    junction_space,
    repeats_draft,
    switches_language,
    talks_about_story,
)

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
WORDS = "the a lantern harbour quiet she he walked remembered salt wind door night old letter".split()


class Counting:
    """A fake tokenizer that remembers how often it was asked."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.calls = 0

    def __call__(self, text: str) -> int:
        self.calls += 1
        return self.tokens(text)


def quarter(text: str) -> int:
    return len(text) // 4


def cjk_tokens(text: str) -> int:
    """One token per CJK character, four characters per token for everything else."""
    cjk = len(CJK.findall(text))
    return cjk + (len(text) - cjk) // 4


def english_draft(words: int = 20_000, sentences_per_paragraph: tuple[int, int] = (3, 8)) -> str:
    rng = random.Random(7)
    paragraphs, total = [], 0
    while total < words:
        sentences = []
        for _ in range(rng.randint(*sentences_per_paragraph)):
            length = rng.randint(5, 15)
            sentence = " ".join(rng.choice(WORDS) for _ in range(length))
            sentences.append(sentence.capitalize() + rng.choice(".!?"))
            total += length
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def chinese_draft(sentences: int = 3000) -> str:
    """One huge paragraph of Chinese sentences, no spaces anywhere."""
    rng = random.Random(3)
    chars = "她走向海边的灯塔风很大夜色沉沉旧信在口袋里"
    return "".join("".join(rng.choice(chars) for _ in range(rng.randint(6, 20))) + "。" for _ in range(sentences))


# --- count_words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, world", 2),
        ("  The quick brown fox.\n\nJumps!  ", 5),
        ("我爱写作", 4),
        ("我爱写作。你呢？", 6),
        ("I love 写作!", 4),
        ("こんにちは、カタカナ", 9),
        ("東京タワー", 5),
        ("한국어 공부", 5),
        ("don't stop", 2),
        ("a well-known author’s tale", 4),
        ("3.14 apples, 1,000 pears", 4),
        ("naïve café", 2),
        ("na\u0308ive", 1),  # decomposed accent
        ("हिन्दी भाषा", 2),
        ("... -- !!! ？。、 — “” ___", 0),
        ("😀 🎉 👍🏽", 0),
        ("", 0),
    ],
)
def test_count_words(text, expected):
    assert count_words(text) == expected


def test_lengths():
    assert LENGTHS == {"short": 40, "paragraph": 120, "long": 300}


# --- layout -------------------------------------------------------------------------------


def test_plain_layout_puts_memory_first_and_note_before_the_last_paragraphs():
    result = build_continuation(
        "One.\n\nTwo.\n\nThree.\n\nFour.",
        budget_tokens=1000,
        count_tokens=quarter,
        memory="  Mara keeps the lighthouse.\n",
        authors_note=" Storm coming. ",
    )
    assert result.prompt == (
        "Mara keeps the lighthouse.\n\nOne.\n\n[Author's note: Storm coming.]\n\nTwo.\n\nThree.\n\nFour."
    )
    assert result.messages == ()
    assert (result.visible_start, result.memory_included, result.note_included) == (0, True, True)


def test_note_follows_single_line_paragraphs_and_its_depth():
    result = build_continuation(
        "A\nB\n\n  \nC\nD", budget_tokens=100, count_tokens=quarter, authors_note="x", note_depth=2
    )
    assert result.prompt == "A\nB\n\n  \n[Author's note: x]\n\nC\nD"
    result = build_continuation("A\nB\nC\nD", budget_tokens=100, count_tokens=quarter, authors_note="x", note_depth=1)
    assert result.prompt == "A\nB\nC\n[Author's note: x]\nD"


def test_note_goes_first_when_the_draft_has_few_paragraphs():
    result = build_continuation("Only one.", budget_tokens=100, count_tokens=quarter, memory="M", authors_note="x")
    assert result.prompt == "M\n\n[Author's note: x]\n\nOnly one."
    exact = build_continuation("A\n\nB\n\nC", budget_tokens=100, count_tokens=quarter, authors_note="x")
    assert exact.prompt == "[Author's note: x]\n\nA\n\nB\n\nC"
    empty = build_continuation("", budget_tokens=100, count_tokens=quarter, authors_note="x")
    assert empty.prompt == "[Author's note: x]\n\n"
    assert (empty.memory_included, empty.note_included) == (False, True)


@pytest.mark.parametrize("ending", ["He opened the door ", "He opened the door.\n", "他推开了门，\n\n"])
@pytest.mark.parametrize("mode", ["plain", "instruct"])
def test_draft_end_is_kept_exactly(ending, mode):
    for draft in (ending, english_draft(3000) + "\n\n" + ending):
        result = build_continuation(draft, budget_tokens=300, count_tokens=quarter, memory="M", mode=mode)
        text = result.prompt if mode == "plain" else result.messages[-1].content
        assert text.endswith(draft[result.visible_start :])
        assert text.endswith(ending)


def test_instruct_messages():
    result = build_continuation(
        "The tide rose. ",
        budget_tokens=1000,
        count_tokens=quarter,
        memory="Mara keeps the lighthouse.",
        authors_note="Storm coming.",
        mode="instruct",
    )
    assert result.prompt is None
    assert result.messages == (
        ChatMessage("system", INSTRUCT_SYSTEM),
        ChatMessage(
            "user",
            "Memory:\nMara keeps the lighthouse.\n\nAuthor's note:\nStorm coming.\n\nStory so far:\nThe tide rose. ",
        ),
    )
    bare = build_continuation("它", budget_tokens=1000, count_tokens=quarter, mode="instruct")
    assert bare.messages[1] == ChatMessage("user", "Story so far:\n它")
    assert "Chinese" in INSTRUCT_SYSTEM and "continuation" in INSTRUCT_SYSTEM


# --- fitting ------------------------------------------------------------------------------


def test_everything_fits_untouched():
    draft = english_draft(200)
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=4096, count_tokens=counter, memory="M")
    assert result.prompt == "M\n\n" + draft
    assert result.visible_start == 0
    assert counter.calls == 1


def test_long_draft_keeps_its_end_from_a_paragraph_start():
    draft = english_draft()
    assert count_words(draft) >= 20_000
    memory, note = "Mara keeps the lighthouse.", "The storm breaks tonight."
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=2048, count_tokens=counter, memory=memory, authors_note=note)
    start = result.visible_start
    assert quarter(result.prompt) <= 2048
    assert start > 0 and draft[start - 2 : start] == "\n\n" and not draft[start].isspace()
    assert (result.memory_included, result.note_included) == (True, True)
    note_block = f"[Author's note: {note}]\n\n"
    assert result.prompt.count(note_block) == 1
    assert result.prompt.replace(note_block, "") == f"{memory}\n\n{draft[start:]}"
    # The note sits before the last three paragraphs.
    assert result.prompt.split(note_block)[1].count("\n\n") == 2
    # It is the longest tail that fits: one paragraph more would not.
    previous = draft.rindex("\n\n", 0, start - 2) + 2
    assert quarter(f"{memory}\n\n{note_block}{draft[previous:]}") > 2048
    assert counter.calls <= 40


def test_long_instruct_draft_fits_the_message_contents():
    draft = english_draft()
    counter = Counting(cjk_tokens)
    result = build_continuation(draft, budget_tokens=1500, count_tokens=counter, memory="M", mode="instruct")
    assert sum(cjk_tokens(m.content) for m in result.messages) <= 1500
    user = result.messages[1].content
    assert user.startswith("Memory:\nM\n\nStory so far (its beginning is left out):\n")
    assert user.endswith("\n" + draft[result.visible_start :])
    assert draft[result.visible_start - 2 : result.visible_start] == "\n\n"
    assert counter.calls <= 40


def test_huge_paragraphs_are_cut_at_a_sentence():
    draft = english_draft(sentences_per_paragraph=(2000, 2000))  # a single paragraph
    assert "\n" not in draft
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=1000, count_tokens=counter, memory="M")
    start = result.visible_start
    assert quarter(result.prompt) <= 1000
    assert draft[start - 2] in ".!?" and draft[start - 1] == " " and draft[start].isupper()
    assert result.prompt == "M\n\n" + draft[start:]
    assert quarter(result.prompt) > 1000 - 30  # not much more than a sentence is lost
    assert counter.calls <= 40


def test_chinese_draft_is_cut_after_a_full_stop():
    draft = chinese_draft()
    counter = Counting(cjk_tokens)
    result = build_continuation(draft, budget_tokens=800, count_tokens=counter, memory="她是守塔人。")
    start = result.visible_start
    assert cjk_tokens(result.prompt) <= 800
    assert start > 0 and draft[start - 1] == "。"
    assert result.prompt == "她是守塔人。\n\n" + draft[start:]
    previous = draft.rindex("。", 0, start - 1) + 1
    assert cjk_tokens("她是守塔人。\n\n" + draft[previous:]) > 800
    assert counter.calls <= 40


def test_text_without_sentences_is_cut_at_a_space_then_anywhere():
    words = " ".join(["lantern"] * 20_000)
    result = build_continuation(words, budget_tokens=500, count_tokens=quarter)
    assert quarter(result.prompt) <= 500 and result.prompt == words[result.visible_start :]
    assert words[result.visible_start - 1] == " "
    blob = "x" * 100_000
    counter = Counting(quarter)
    result = build_continuation(blob, budget_tokens=500, count_tokens=counter)
    assert result.prompt == "x" * 2003  # 2003 // 4 == 500
    assert counter.calls <= 40


def test_tiny_budget_drops_the_note_before_the_memory():
    draft = english_draft(2000)
    memory = "Mara keeps the lighthouse."
    note = "Write slowly, with dread, and keep every sentence short and plain." * 2
    result = build_continuation(draft, budget_tokens=16, count_tokens=quarter, memory=memory, authors_note=note)
    assert quarter(result.prompt) <= 16
    assert (result.memory_included, result.note_included) == (True, False)
    assert "Author's note" not in result.prompt
    assert result.prompt.startswith(memory + "\n\n") and result.prompt.endswith(draft[-20:])


def test_huge_memory_is_cut_from_its_start():
    draft = english_draft(2000)
    memory = english_draft(5000)
    counter = Counting(quarter)
    result = build_continuation(draft, budget_tokens=1000, count_tokens=counter, memory=memory, authors_note="Dread.")
    assert quarter(result.prompt) <= 1000
    assert (result.memory_included, result.note_included) == (False, False)
    kept_memory, story = result.prompt.split("\n\n[", 1)[0], draft[result.visible_start :]
    assert result.prompt.endswith(story) and len(story) >= 1800  # about half the budget
    assert memory.endswith(result.prompt[: -len(story) - 2])
    assert kept_memory[0].isupper()  # the memory's tail starts at a paragraph or sentence
    assert counter.calls <= 40


def test_huge_memory_gives_way_to_a_short_draft():
    draft = "The tide rose.\n\nShe waited. "
    result = build_continuation(draft, budget_tokens=100, count_tokens=quarter, memory=english_draft(1000))
    assert result.visible_start == 0 and not result.memory_included
    assert quarter(result.prompt) <= 100 and result.prompt.endswith("\n\n" + draft)


def test_uneven_tokenizer_still_fits_in_few_calls():
    # Tokens far from proportional to characters: the search must not rely on the estimate.
    draft = english_draft() + "\n\n" + chinese_draft(500)
    counter = Counting(lambda text: cjk_tokens(text) + 3 * text.count("lantern"))
    result = build_continuation(draft, budget_tokens=3000, count_tokens=counter, authors_note="Calm.")
    assert counter.tokens(result.prompt) <= 3000 and result.note_included
    assert result.visible_start > 0 and draft[result.visible_start - 1] in "。\n"
    assert counter.calls <= 40


def test_budget_below_sixteen_is_rejected():
    with pytest.raises(ValueError):
        build_continuation("Once", budget_tokens=15, count_tokens=quarter)
    assert build_continuation("Once", budget_tokens=16, count_tokens=quarter).prompt == "Once"


# --- where an accepted continuation meets the draft ---------------------------------------


@pytest.mark.parametrize(
    ("before", "continuation", "joined"),
    [
        # An instruct model's reply starts without a space: a capital after a lowercase
        # letter begins a new word.
        ("He climbed the stairs", "The story has been completed", " The story has been completed"),
        # The writer stopped mid-word and the model finished it.
        ("She was wal", "king home", "king home"),
        # Chinese has no spaces.
        ("他走了", "很久", "很久"),
        ("他走了。", "She", "She"),
        ("他走了", "Tom", "Tom"),
        # After the end of a sentence or a clause, a letter begins a new word.
        ("The lamp was cold.", "She left.", " She left."),
        ("The lamp was cold,", "and dark.", " and dark."),
        ("“Stop,” he said.”", "Nobody moved.", " Nobody moved."),
        ("Wait…", "then go.", " then go."),
        # An opening quote right after a word or a sentence.
        ("and he said", "“Come in.”", " “Come in.”"),
        ("He knocked.", "\"Anyone home?\"", " \"Anyone home?\""),
        # A closing quote, an apostrophe, punctuation: no space.
        ("\"Stop.", "\" she said.", "\" she said."),
        ("She don", "'t know.", "'t know."),
        ("the stairs", ".", "."),
        ("It was 3.", "14 pm", "14 pm"),
        # The space is already there, on either side.
        ("the stairs ", "The story", "The story"),
        ("the stairs", " The story", " The story"),
        ("the stairs\n", "The story", "The story"),
        # Two capitals (an acronym being typed), nothing before, nothing after.
        ("the NAS", "A rover", "A rover"),
        ("", "The story", "The story"),
        ("the stairs", "", ""),
    ],
)
def test_join_continuation(before, continuation, joined):
    assert join_continuation(before, continuation) == joined
    assert junction_space(before, continuation) == joined[: len(joined) - len(continuation)]


# --- how a continuation went --------------------------------------------------------------

LIGHTHOUSE = "The lighthouse keeper climbed the stairs for the last time. The lamp was cold, and"
SEASIDE = "天还没亮，林晓就背着包出了门。她沿着小路一直走到海边，海风很冷。"


@pytest.mark.parametrize(
    ("draft", "continuation", "verdict"),
    [
        (LIGHTHOUSE, " the glass was cracked. He lit a match and waited for the dark.", "continues"),
        # The whole draft again, from its start (case and punctuation aside).
        (LIGHTHOUSE, "the lighthouse keeper climbed the stairs, for the last time and", "repeats"),
        (LIGHTHOUSE, "The story has been completed, and the keeper is at peace.", "about"),
        (LIGHTHOUSE, "This short story shows how lonely a keeper can be.", "about"),
        (LIGHTHOUSE, "In this passage the lamp stands for hope.", "about"),
        (LIGHTHOUSE, "Lena's story so far: the town was quiet.", "about"),
        (LIGHTHOUSE, "他走了很久，终于看见了海。海风吹来，他笑了。", "language"),
        (LIGHTHOUSE, " \n ", "nothing"),
        (SEASIDE, "她在礁石上坐下，看着远处的渔船。", "continues"),
        (SEASIDE, "天还没亮，林晓就背着包出门了。", "repeats"),
        (SEASIDE, "这个故事讲的是一个女孩。", "about"),
        (SEASIDE, "The sea was cold and the boats were far away.", "language"),
    ],
)
def test_judge_continuation(draft, continuation, verdict):
    assert judge_continuation(draft, continuation) == verdict


def test_repeats_needs_six_words_in_a_row():
    draft = "The lamp was cold, and the keeper sat down on the stairs."
    assert not repeats_draft(draft, "The lamp was cold again; the keeper slept.")  # four in a row
    assert repeats_draft(draft, "And then the lamp was cold, and the keeper wept.")  # six
    assert not repeats_draft("林晓走到海边。", "海风很冷，她走到海边。")  # four characters
    assert repeats_draft("林晓走到了海边。", "于是林晓走到了海边。")  # six characters


def test_words_of_the_draft_are_not_talk_about_it():
    draft = "Grandfather always began the story the same way."
    assert not talks_about_story(draft, " The story began with a storm, he said.")
    assert talks_about_story("他给我讲了一个笑话。", "这个故事很好。")
    assert not talks_about_story("他给我讲了一个故事。", "故事里有一条龙。")


def test_a_few_foreign_words_do_not_switch_the_language():
    assert not switches_language(SEASIDE, "她说：“OK，我们走吧。”")
    assert not switches_language(LIGHTHOUSE, "Ah.")  # too short to judge
    assert switches_language(SEASIDE, "She walked along the beach for a long time.")


def test_the_default_prompt_style():
    # Measured with packaging/measure_writing_styles.py (numbers in the README).
    assert DEFAULT_MODE == "plain" and DEFAULT_MODE in MODES
