"""Rewriting a passage: styles, the prompt, cleaning small models' replies, the word diff."""

import random

import pytest

from app.core.chat_template import render_fallback
from app.core.generation import ChatMessage
from app.core.rewrite import (
    REPEATS_ITSELF,
    REWRITE_SYSTEM,
    STOPPED_AT_LENGTH,
    TALKS_ABOUT_PASSAGE,
    DiffOp,
    Style,
    all_styles,
    build_rewrite_messages,
    builtin_styles,
    clean_reply,
    context_around,
    diff_html,
    find_style,
    repeats_itself,
    rewrite_problems,
    save_user_style,
    talks_about_passage,
    word_diff,
)
from app.core.translatable import Translatable

REQUIRED_STYLES = ["Formal", "Casual", "Concise", "Vivid", "Simpler", "Academic", "Persuasive", "Fix grammar only"]

# --- Styles -------------------------------------------------------------------------------


def test_builtin_styles_are_complete_and_keep_the_language():
    styles = builtin_styles()
    names = [s.name for s in styles]
    assert names[: len(REQUIRED_STYLES)] == REQUIRED_STYLES
    for style in styles:
        assert style.builtin
        assert "language of the passage" in style.instruction, style.name
        assert "keep Chinese text in Chinese" in style.instruction, style.name
    grammar = find_style(styles, "Fix grammar only")
    assert grammar is not None and "as little as possible" in grammar.instruction


def test_user_style_is_saved_listed_and_overrides_a_builtin(tmp_path):
    save_user_style(tmp_path, "Pirate", "Rewrite it like a pirate.")
    save_user_style(tmp_path, " pirate ", "Rewrite it like a polite pirate.")
    save_user_style(tmp_path, "formal", "Rewrite it formally, British spelling.")
    styles, problem = all_styles(tmp_path)
    assert problem is None
    assert not list(tmp_path.glob("*.tmp"))
    names = [s.name for s in styles]
    # The override takes the built-in's place; the user's own come after the built-ins.
    assert names == ["formal", *REQUIRED_STYLES[1:], "pirate"]
    assert styles[0] == Style("formal", "Rewrite it formally, British spelling.")
    assert styles[-1] == Style("pirate", "Rewrite it like a polite pirate.")


def test_saving_a_style_needs_a_name_and_an_instruction(tmp_path):
    with pytest.raises(ValueError):
        save_user_style(tmp_path, "  ", "Rewrite it.")
    with pytest.raises(ValueError):
        save_user_style(tmp_path, "Empty", " ")
    assert not (tmp_path / "styles.json").exists()


@pytest.mark.parametrize("content", ["{not json", '{"name": "x"}', '[{"name": "x"}]', '[{"instruction": "x"}]'])
def test_unreadable_styles_file_is_kept_aside(tmp_path, content):
    (tmp_path / "styles.json").write_text(content, encoding="utf-8")
    styles, problem = all_styles(tmp_path)
    assert problem and "could not be read" in problem and "styles.json.unreadable" in problem
    assert (tmp_path / "styles.json.unreadable").read_text(encoding="utf-8") == content
    assert styles == builtin_styles()
    # The next save starts a new file and leaves the unreadable one alone.
    save_user_style(tmp_path, "Mine", "Rewrite it my way.")
    assert all_styles(tmp_path)[0][-1] == Style("Mine", "Rewrite it my way.")
    assert (tmp_path / "styles.json.unreadable").read_text(encoding="utf-8") == content


def test_find_style_ignores_case():
    styles = builtin_styles()
    assert find_style(styles, "fix GRAMMAR only").name == "Fix grammar only"
    assert find_style(styles, " simpler ").name == "Simpler"
    assert find_style(styles, "Shouty") is None


# --- Messages -----------------------------------------------------------------------------

FORMAL = Style("Formal", "Rewrite the passage in a formal tone.")


def test_messages_mark_the_context_and_delimit_the_passage():
    messages = build_rewrite_messages(
        "  the boss is sick.\n", FORMAL, " Make it sadder. ", before="We met at nine.", after="Then we left."
    )
    assert messages == (
        ChatMessage("system", REWRITE_SYSTEM),
        ChatMessage(
            "user",
            "Rewrite the passage in a formal tone.\nAlso: Make it sadder.\n\n"
            "Text before (do not rewrite):\nWe met at nine.\n\n"
            "Text after (do not rewrite):\nThen we left.\n\n"
            "Passage to rewrite:\n<passage>\nthe boss is sick.\n</passage>",
        ),
    )


def test_messages_with_only_a_style_or_only_an_instruction():
    (_, user) = build_rewrite_messages("Hi.", FORMAL)
    assert user.content == "Rewrite the passage in a formal tone.\n\nPassage to rewrite:\n<passage>\nHi.\n</passage>"
    (_, user) = build_rewrite_messages("你好。", None, "改成文言文。", before="  ", after="")
    assert user.content == "改成文言文。\n\nPassage to rewrite:\n<passage>\n你好。\n</passage>"


def test_system_prompt_asks_for_the_bare_passage_in_its_language():
    assert "ONLY the rewritten passage" in REWRITE_SYSTEM
    assert "no preamble" in REWRITE_SYSTEM and "Keep the language of the passage" in REWRITE_SYSTEM


def test_messages_need_a_style_or_an_instruction_and_a_passage():
    with pytest.raises(ValueError):
        build_rewrite_messages("Some text.", None, "   ")
    with pytest.raises(ValueError):
        build_rewrite_messages(" \n", FORMAL)


# --- Context ------------------------------------------------------------------------------

STORY = (
    "The harbour was quiet. Nobody came.\n\n"
    "She walked to the door. The lantern was out. She waited.\n\n"
    "At dawn the boats returned. The gulls followed them."
)


def test_context_is_the_rest_of_the_selected_paragraph():
    start = STORY.index("The lantern")
    end = start + len("The lantern was out.")
    assert context_around(STORY, start, end) == ("She walked to the door.", "She waited.")


def test_context_of_a_whole_paragraph_is_the_paragraphs_around_it():
    start = STORY.index("She walked")
    end = STORY.index("\n\nAt dawn")
    assert context_around(STORY, start, end) == (
        "The harbour was quiet. Nobody came.",
        "At dawn the boats returned. The gulls followed them.",
    )
    # At the edges of the text there is nothing on that side.
    assert context_around(STORY, 0, len("The harbour")) == ("", "was quiet. Nobody came.")
    assert context_around(STORY, STORY.index("The gulls"), len(STORY)) == ("At dawn the boats returned.", "")


def test_context_is_cut_at_sentences_and_words():
    long_before = "One two three. Four five six. Seven eight nine ten. "
    long_after = " Alpha beta gamma. Delta epsilon zeta. Eta theta."
    text = f"Title\n{long_before}[X]{long_after}\nNext"
    start = text.index("[X]")
    before, after = context_around(text, start, start + 3, max_chars=40)
    assert before == "Four five six. Seven eight nine ten."
    assert after == "Alpha beta gamma. Delta epsilon zeta."
    # What fits is kept whole.
    assert context_around(text, start, start + 3, max_chars=len(long_after.strip()))[1] == long_after.strip()
    # No sentence start fits well: cut at a word.
    words = "word " * 20
    before, after = context_around(words + "X " + words, 100, 101, max_chars=12)
    assert (before, after) == ("word word", "word word")
    # Chinese sentences have no spaces: cut after 。
    chinese = "第一句话很长很长。第二句。第三句。"
    assert context_around(chinese + "X", len(chinese), len(chinese) + 1, max_chars=8) == ("第二句。第三句。", "")
    with pytest.raises(ValueError):
        context_around("abc", 2, 1)


# --- Cleaning replies ---------------------------------------------------------------------

MEETING = "the meeting got moved to monday cause the boss is sick."
MEETING_FORMAL = "The meeting has been moved to Monday because the manager is unwell."
HUIYI = "会议因为老板病了改到周一了。"
HUIYI_FORMAL = "会议因经理身体不适，已改期至星期一。"

# Replies written the way small instruct models (SmolLM2, Qwen2.5 0.5B/1.5B) answer a rewrite
# prompt, with what should be left of them.
RECORDED = {
    "english preamble and note": (
        MEETING,
        f"Here is the rewritten text:\n\n{MEETING_FORMAL}\n\n"
        'Note: I replaced informal words such as "cause" with more formal alternatives.',
        MEETING_FORMAL,
    ),
    "sure + quotes": (
        MEETING,
        f'Sure! Here\'s a more formal version:\n\n"{MEETING_FORMAL}"',
        MEETING_FORMAL,
    ),
    "label on the same line": (MEETING, f"Rewritten passage: {MEETING_FORMAL}", MEETING_FORMAL),
    "bold label, explanation": (
        "she dont like apples.",
        "**Corrected text:**\nShe doesn't like apples.\n\n"
        "**Explanation:** \"dont\" should be \"doesn't\" for the third person singular.",
        "She doesn't like apples.",
    ),
    "certainly, fence, this version": (
        MEETING,
        f"Certainly, here is the passage in a formal tone:\n```text\n{MEETING_FORMAL}\n```\n\n"
        "This version uses complete sentences and avoids slang.",
        MEETING_FORMAL,
    ),
    "echoed passage tags": (MEETING, f"<passage>\n{MEETING_FORMAL}\n</passage>", MEETING_FORMAL),
    "echoed original, then the rewrite": (
        MEETING,
        f"Passage to rewrite:\n<passage>\n{MEETING}\n</passage>\n\nRewritten:\n<passage>{MEETING_FORMAL}</passage>",
        MEETING_FORMAL,
    ),
    "closing tag only": (MEETING, f"{MEETING_FORMAL}\n</passage>", MEETING_FORMAL),
    "rules and a blockquote": (
        MEETING,
        f"Here's a more formal version of the passage:\n\n---\n\n> {MEETING_FORMAL}\n\n---",
        MEETING_FORMAL,
    ),
    "changes made list": (
        MEETING,
        f"{MEETING_FORMAL}\n\nChanges made:\n- \"got moved\" became \"has been moved\"\n- \"cause\" became \"because\"",
        MEETING_FORMAL,
    ),
    "lone ack line, let me know": (
        MEETING,
        f"Sure!\n{MEETING_FORMAL}\n\nLet me know if you would like any other changes.",
        MEETING_FORMAL,
    ),
    "chinese preamble": (HUIYI, f"以下是改写后的文本：\n\n{HUIYI_FORMAL}", HUIYI_FORMAL),
    "chinese ack, curly quotes, note": (
        HUIYI,
        f"好的，这是更正式的版本：\n\n“{HUIYI_FORMAL}”\n\n（注：我使用了更书面的表达。）",
        HUIYI_FORMAL,
    ),
    "chinese inline label, corner brackets": (HUIYI, f"改写后：「{HUIYI_FORMAL}」", HUIYI_FORMAL),
    "chinese explanation right below": (HUIYI, f"{HUIYI_FORMAL}\n说明：将口语化的表达改为书面语。", HUIYI_FORMAL),
    "reasoning block": (
        MEETING,
        f"<think>\nThe user wants a formal tone. Replace cause with because.\n</think>\n\n{MEETING_FORMAL}",
        MEETING_FORMAL,
    ),
    "single quotes around, apostrophes inside": (
        "its a lovely day isnt it",
        "'It's a lovely day, isn't it?'",
        "It's a lovely day, isn't it?",
    ),
    "here is … with a full stop, then a rule": (
        MEETING,
        f"Here is the revised version.\n\n{MEETING_FORMAL}\n\n---\n\nNotes: kept the names.",
        MEETING_FORMAL,
    ),
}


@pytest.mark.parametrize("name", RECORDED)
def test_clean_reply_unwraps_recorded_replies(name):
    passage, reply, expected = RECORDED[name]
    assert clean_reply(reply, passage) == expected


# Replies whose every character belongs to the rewrite.
KEPT = {
    "a quotation stays quoted": (
        '"To be, or not to be: that is the question."',
        '"To exist, or not to exist: that is what we must ask."',
    ),
    "a chinese quotation stays quoted": ("「学而时习之，不亦说乎？」", "「学习并时常温习，不也很快乐吗？」"),
    "dialogue is not one pair of quotes": (
        '"come in," she said. "sit down."',
        '"Please come in," she said. "Have a seat."',
    ),
    "dialogue added by the rewrite": ("come in, she said. sit down.", '"Please come in," she said. "Have a seat."'),
    "chinese dialogue added by the rewrite": ("他让我进来坐下。", "「进来吧，」他说，「请坐。」"),
    "an acknowledgement that is prose": (
        "sure, ill come to the party.\nsee you there.",
        "Sure, I'll come to the party.\nSee you there.",
    ),
    "a passage that begins with a note": (
        "Note: the office is closed on friday.\nplan ahead.",
        "Note: the office will be closed on Friday.\nPlease plan ahead.",
    ),
    "first person prose in the passage's paragraphs": (
        "I went home early.\n\nI changed my mind about the party.",
        "I headed home early.\n\nI changed my mind about the party.",
    ),
    "here is, without a rewrite word": ("heres the plan:\nwe leave at ten.", "Here's the plan:\nWe leave at ten."),
    "here is, with a full stop, is prose": (
        "this is what the letter said.\ndear anna, we miss you.",
        "Here is the text of the letter.\nDear Anna, we miss you.",
    ),
    "a scene break that ends the passage": ("the end came.\n\n***", "The end had come.\n\n***"),
    "a time is not a label": ("at 10:30 the rewrite was done", "At 10:30, the rewrite was finished."),
}


@pytest.mark.parametrize("name", KEPT)
def test_clean_reply_keeps_what_belongs_to_the_passage(name):
    passage, reply = KEPT[name]
    assert clean_reply(reply, passage) == reply


def test_clean_reply_counts_the_passages_paragraphs_before_cutting_an_aside():
    passage = KEPT["first person prose in the passage's paragraphs"][0]
    reply = (
        "Here's the casual version:\n\nI headed home early.\n\nI changed my mind about the party.\n\n"
        "I hope this helps!"
    )
    assert clean_reply(reply, passage) == "I headed home early.\n\nI changed my mind about the party."


def test_clean_reply_quoted_passage_keeps_quotes_under_a_preamble():
    passage = KEPT["a quotation stays quoted"][0]
    reply = 'Certainly, here\'s a simpler version:\n"To live or not to live: that is the question."'
    assert clean_reply(reply, passage) == '"To live or not to live: that is the question."'


def test_clean_reply_gives_back_the_passages_outer_whitespace():
    assert clean_reply("The cat sat on the mat.", " the cat sat on the mat.\n\n") == " The cat sat on the mat.\n\n"
    assert clean_reply("\n  The cat sat.  \n", "the cat sat") == "The cat sat."
    assert clean_reply('"猫坐在垫子上。"\n', "\u3000猫坐垫子上。\n") == "\u3000猫坐在垫子上。\n"


def test_clean_reply_without_a_usable_answer():
    assert clean_reply("<think>\nLet me think about the tone", MEETING) == ""
    assert clean_reply("   \n", " text ") == ""
    # Only a preamble: nothing to peel it from, so it is left for the writer to judge.
    assert clean_reply("Here is the rewritten text:", MEETING) == "Here is the rewritten text:"


def test_clean_reply_after_a_template_opened_think_block():
    assert clean_reply("The user wants it formal.\n</think>\n\nIt was moved.", MEETING) == "It was moved."


# --- The prompt written back ---------------------------------------------------------------

CAT = "The cat sat on the mat and looked at the rain."
LANTERN = ("She walked to the door.", "The lantern was out.", "She waited.")


def test_a_reply_that_writes_the_whole_prompt_back_cleans_to_the_rewrite():
    """The cleaner knows the prompt's labels from the builder itself: whatever the builder
    writes, a reply that repeats it all before the rewrite is cleaned to the rewrite."""
    messages = build_rewrite_messages(MEETING, FORMAL, "make it sadder", before=LANTERN[0], after=LANTERN[2])
    prompt = messages[-1].content
    assert clean_reply(f"{prompt}\n\n{MEETING_FORMAL}", MEETING, messages) == MEETING_FORMAL
    assert clean_reply(f"{prompt}\n\nRewritten:\n{MEETING_FORMAL}", MEETING, messages) == MEETING_FORMAL
    # A model without a chat template sees the plain format, labels and all.
    plain = render_fallback(messages)
    assert clean_reply(f"{plain} {MEETING_FORMAL}\nUser: Thanks!", MEETING, messages) == MEETING_FORMAL
    # Only the prompt's own labels and context: nothing to accept.
    only_labels = f"Assistant:\nText after (do not rewrite):\n{LANTERN[2]}\n\nPassage to rewrite:"
    assert clean_reply(only_labels, MEETING, messages) == ""


# Replies of the starter model (SmolLM2-135M-Instruct, "Precise / rewrite" sampler) to
# build_rewrite_messages prompts: passage, text before, text after, reply, what is left.
RECORDED_SCAFFOLDING = {
    "the issue's markers on one reply": (
        MEETING, "", "",
        f"Assistant: Rewrite: <passage> {MEETING_FORMAL}\n</text>",
        MEETING_FORMAL,
    ),
    "context written back after the rewrite": (
        MEETING, "", "Then we left.",
        f"{MEETING_FORMAL}\n\nText after (do not rewrite):\nThen we left.",
        MEETING_FORMAL,
    ),
    "the text before written back, then a closing tag": (
        CAT, "The morning was quiet.", "Then it slept.",
        f"The morning was quiet.\n\n{CAT}\n</passage>",
        CAT,
    ),
    "the text around written back line by line": (
        LANTERN[1], LANTERN[0], LANTERN[2],
        "The moon was in the sky.\nShe walked to the door.\nThe lantern was out.\nShe waited.",
        "The moon was in the sky.\nThe lantern was out.",
    ),
    "a context heading of its own making": (
        LANTERN[1], LANTERN[0], LANTERN[2],
        "She walked to the door.\nThe lantern was out.\n\nPassage after (do not rewrite):\nShe waited.\n"
        "She didn't want to leave.\nShe had to find a new place to stay.",
        "The lantern was out.",
    ),
    "the rewrite, then a prompt of its own making": (
        "she dont like apples and she dont eat them", "We went shopping.", "Her brother does.",
        "She does not eat apples. She doesn't like them.\n\nText before (do not rewrite):\n"
        "The new employee is very good at marketing.\n\nText after (do not rewrite):\n"
        "The new employee is very good at marketing.\n\nPassage to rewrite:\nThe new employee is very good",
        "She does not eat apples. She doesn't like them.",
    ),
    "Rewrite: and the same again until the length limit": (
        MEETING, "", "",
        "The meeting was moved to Monday due to the boss's illness.\n\nRewrite:\n"
        "The meeting was moved to Monday due to the boss's illness.\n\nRewrite:\n"
        "The meeting was moved to Monday due to the boss",
        "The meeting was moved to Monday due to the boss's illness.",
    ),
    "another attempt under a heading of its own": (
        CAT, "The morning was quiet.", "Then it slept.",
        f"The morning was quiet.\n{CAT}\n\nThe passage to rewrite is:\nThe morning was quiet.\n{CAT}\n\n"
        "The passage to rewrite is:\nThe cat sat on the mat and looked at the",
        CAT,
    ),
    "the original written back in tags, then a label": (
        MEETING, "", "",
        f"<passage>\n{MEETING}\n</passage>\n\nRewrite:\n{MEETING_FORMAL}",
        MEETING_FORMAL,
    ),
    "the original written back untagged under its heading": (
        MEETING, "", "",
        f"Passage to rewrite:\n{MEETING}\n\n{MEETING_FORMAL}",
        MEETING_FORMAL,
    ),
    "an instruction written back under the turn labels": (
        MEETING, "", "",
        f"User: Also: make it sadder.\nAssistant: {MEETING_FORMAL}\nAssistant: {MEETING_FORMAL}",
        MEETING_FORMAL,
    ),
}


@pytest.mark.parametrize("name", RECORDED_SCAFFOLDING)
def test_clean_reply_drops_the_prompts_scaffolding(name):
    passage, before, after, reply, expected = RECORDED_SCAFFOLDING[name]
    messages = build_rewrite_messages(passage, FORMAL, before=before, after=after)
    assert clean_reply(reply, passage, messages) == expected


def test_without_the_prompt_only_the_labels_go():
    """The command line gives no context: the labels still go, lines of text stay."""
    passage, before, after, reply, _ = RECORDED_SCAFFOLDING["a context heading of its own making"]
    assert clean_reply(reply, passage) == "She walked to the door.\nThe lantern was out."


def test_a_passage_with_the_prompts_labels_keeps_them():
    chat_log = "User: hi, can u help\nAssistant: sure what do u need"
    rewrite = "User: Hello, could you help me?\nAssistant: Certainly. What do you need?"
    assert clean_reply(rewrite, chat_log) == rewrite
    notes = "bring the tent.\nAlso: bring snacks."
    assert clean_reply("Bring the tent.\nAlso: bring some snacks.", notes) == "Bring the tent.\nAlso: bring some snacks."
    markup = "<b>the cat sat</b>"
    assert clean_reply("<b>The cat sat.</b>", markup) == "<b>The cat sat.</b>"


# --- Judging the rewrite --------------------------------------------------------------------

GRAMMAR = "i think this are good idea"


@pytest.mark.parametrize(
    "reply",
    [
        "The passage is in Chinese, but it is written in English, so there is nothing to correct.",
        "The passage is in Chinese.\n\nOriginal text:\n<passage>\ni think this are good idea\n</passage>",
        "This text has no grammar mistakes.",
        "There are no spelling mistakes in the passage.",
        "I'm sorry, but I cannot rewrite this passage.",
        "Here is the rewritten text:",
    ],
)
def test_words_about_the_passage_are_not_a_rewrite(reply):
    cleaned = clean_reply(reply, GRAMMAR)
    assert cleaned
    assert talks_about_passage(cleaned, GRAMMAR)
    assert rewrite_problems(cleaned, GRAMMAR) == (TALKS_ABOUT_PASSAGE,)


def test_chinese_words_about_the_passage_are_not_a_rewrite():
    assert talks_about_passage(clean_reply("这段文字没有语法错误。", HUIYI), HUIYI)
    assert not talks_about_passage(HUIYI_FORMAL, HUIYI)


def test_words_about_the_passage_before_the_rewrite_go():
    reply = "The passage is in Chinese, but here is the corrected version:\nI think this is a good idea."
    cleaned = clean_reply(reply, GRAMMAR)
    assert cleaned == "I think this is a good idea."
    assert rewrite_problems(cleaned, GRAMMAR) == ()
    reply = "This text has a few mistakes.\n\nI think this is a good idea."
    assert clean_reply(reply, GRAMMAR) == "I think this is a good idea."


def test_a_passage_about_a_text_is_rewritten_about_a_text():
    passage = "the text is to short and it dont say much."
    rewrite = "The text is too short and it doesn't say much."
    assert clean_reply(rewrite, passage) == rewrite
    assert not talks_about_passage(rewrite, passage)
    assert not talks_about_passage("I think this is a good idea.", GRAMMAR)
    # A first paragraph like that is the rewrite's own when the passage has as many.
    two = "this text is about cats.\n\nthey is cute"
    assert clean_reply("This text is about cats.\n\nThey are cute.", two) == "This text is about cats.\n\nThey are cute."


LOOP = "The cat sat on the mat. The cat sat on the mat. The cat sat on the mat. The cat sat on the mat."


def test_a_rewrite_that_repeats_itself_until_the_length_limit():
    passage = "the cat sat on the mat"
    assert repeats_itself(LOOP, passage)
    assert rewrite_problems(LOOP, passage, "length") == (REPEATS_ITSELF, STOPPED_AT_LENGTH)
    recorded = "This is a good idea.\n\ni think this are good idea.\n\nthis is a good idea.\n\nthis is a good idea."
    assert repeats_itself(clean_reply(recorded, GRAMMAR), GRAMMAR)
    assert repeats_itself("会议改到了周一。" * 4, HUIYI)
    assert repeats_itself("and the rain kept falling " * 6, "the rain fell")


def test_a_rewrite_that_does_not_repeat_itself():
    assert not repeats_itself(MEETING_FORMAL, MEETING)
    assert not repeats_itself(STORY, STORY.lower())
    assert not repeats_itself(HUIYI_FORMAL, HUIYI)
    # A refrain the passage has is the passage's own.
    refrain = "row, row, row your boat gently down the stream. row, row, row your boat gently down the stream."
    assert not repeats_itself(refrain.capitalize(), refrain)
    assert rewrite_problems(MEETING_FORMAL, MEETING, "stop") == ()


def test_problems_are_translatable_messages():
    for problem in rewrite_problems(LOOP, "the cat sat on the mat", "length") + (TALKS_ABOUT_PASSAGE,):
        assert isinstance(problem, Translatable) and problem.context == "Rewrite"


# --- Word diff ----------------------------------------------------------------------------


def test_word_diff_english():
    assert word_diff("The cat sat on the mat.", "The dog sat on the mat.") == [
        DiffOp("equal", "The "),
        DiffOp("delete", "cat "),
        DiffOp("insert", "dog "),
        DiffOp("equal", "sat on the mat."),
    ]
    # "left" at the end of one text matches "left " inside the other.
    assert word_diff("He left.", "He left quickly.") == [
        DiffOp("equal", "He left"),
        DiffOp("insert", " quickly"),
        DiffOp("equal", "."),
    ]
    assert word_diff("I don't know, really.", "I do not know.") == [
        DiffOp("equal", "I "),
        DiffOp("delete", "don't "),
        DiffOp("insert", "do not "),
        DiffOp("equal", "know"),
        DiffOp("delete", ", really"),
        DiffOp("equal", "."),
    ]


def test_word_diff_chinese_compares_characters():
    assert word_diff("我今天很高兴。", "我今天非常高兴。") == [
        DiffOp("equal", "我今天"),
        DiffOp("delete", "很"),
        DiffOp("insert", "非常"),
        DiffOp("equal", "高兴。"),
    ]
    # Latin words inside Chinese text stay whole.
    assert word_diff("我用Python写代码", "我用Rust写代码") == [
        DiffOp("equal", "我用"),
        DiffOp("delete", "Python"),
        DiffOp("insert", "Rust"),
        DiffOp("equal", "写代码"),
    ]


def test_word_diff_of_identical_and_empty_texts():
    assert word_diff("Same text.\n", "Same text.\n") == [DiffOp("equal", "Same text.\n")]
    assert word_diff("", "New.") == [DiffOp("insert", "New.")]
    assert word_diff("Old.", "") == [DiffOp("delete", "Old.")]
    assert word_diff("", "") == []


def test_word_diff_of_a_long_text_keeps_common_words_matchable():
    # difflib's autojunk would ignore "the " in texts of 200 tokens or more.
    old = " ".join(f"the w{i}" for i in range(150))
    new = old.replace("the w100 ", "the changed ")
    assert word_diff(old, new) == [
        DiffOp("equal", old[: old.index("w100 ")]),
        DiffOp("delete", "w100 "),
        DiffOp("insert", "changed "),
        DiffOp("equal", old[old.index("w100 ") + 5 :]),
    ]


def test_word_diff_of_a_long_chinese_text_keeps_frequent_characters_matchable():
    # Past 200 tokens, difflib's autojunk would ignore every character used more than 1% of the
    # time, and this text has no other kind.
    old = "我们的生活是美好的。" * 30
    new = old[:150] + "幸福" + old[152:]
    assert word_diff(old, new) == [
        DiffOp("equal", old[:150]),
        DiffOp("delete", old[150:152]),
        DiffOp("insert", "幸福"),
        DiffOp("equal", old[152:]),
    ]


PIECES = ["the ", "cat", " ", "  ", "\n", "\n\n", "sat", ",", "...", "“", "”", "don't", "3.14", "猫", "坐", "在",
          "。", "，", "Python", "_", "é", "e\u0301", "😀", "\t", "a", "—"]


def test_word_diff_rebuilds_both_texts():
    rng = random.Random(20240607)
    for _ in range(300):
        old = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        new = list(old)
        for _ in range(rng.randint(0, 6)):
            at = rng.randint(0, len(new))
            new[at:at + rng.randint(0, 4)] = rng.choice(PIECES)
        new = "".join(new)
        ops = word_diff(old, new)
        assert "".join(op.text for op in ops if op.kind != "insert") == old
        assert "".join(op.text for op in ops if op.kind != "delete") == new
        assert all(op.text for op in ops)
        assert all(a.kind != b.kind for a, b in zip(ops, ops[1:]))  # adjacent ops are merged


def test_diff_html_escapes_and_marks_changes():
    ops = [DiffOp("equal", "a < b & "), DiffOp("delete", "<i>x</i>\n"), DiffOp("insert", '"y"\n\nz')]
    assert diff_html(ops) == (
        "a &lt; b &amp; "
        '<span style="color:#b42318;text-decoration:line-through;">&lt;i&gt;x&lt;/i&gt;<br></span>'
        '<span style="color:#067647;background-color:#e7f6ec;">"y"<br><br>z</span>'
    )
    assert diff_html(word_diff("猫。", "狗。")) == (
        '<span style="color:#b42318;text-decoration:line-through;">猫</span>'
        '<span style="color:#067647;background-color:#e7f6ec;">狗</span>。'
    )


def test_rewrite_room_grows_with_the_passage_and_respects_the_context():
    from app.core.rewrite import rewrite_max_tokens

    assert rewrite_max_tokens("short") == 64
    long_passage = "word " * 600  # 3,000 bytes, about 1,000 tokens
    assert rewrite_max_tokens(long_passage) == 2 * (3000 // 3 + 1) + 32
    assert rewrite_max_tokens(long_passage, n_ctx=1024) == 512
