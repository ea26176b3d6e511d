from app.core.markup import Segment, highlight_code, split_code_blocks, split_reasoning


def test_reasoning_is_split_from_answer():
    reasoning, answer = split_reasoning("<think>\nFirst, 2+2.\n</think>\n\nIt is 4.")
    assert reasoning.text == "First, 2+2." and reasoning.finished
    assert answer == "It is 4."


def test_unfinished_reasoning_has_no_answer_yet():
    reasoning, answer = split_reasoning("<think>Let me see")
    assert reasoning.text == "Let me see" and not reasoning.finished
    assert answer == ""


def test_text_without_reasoning_is_unchanged():
    assert split_reasoning("Plain <think> later") == (None, "Plain <think> later")


def test_code_blocks_are_split_from_prose():
    text = "Try this:\n\n```python\nprint('hi')\n```\n\nThen run it.\n~~~\nraw\n~~~"
    assert split_code_blocks(text) == [
        Segment("markdown", "Try this:"),
        Segment("code", "print('hi')", "python"),
        Segment("markdown", "Then run it."),
        Segment("code", "raw", ""),
    ]


def test_unclosed_fence_runs_to_the_end():
    assert split_code_blocks("Code:\n```js\nlet a = 1;") == [
        Segment("markdown", "Code:"),
        Segment("code", "let a = 1;", "js"),
    ]


def test_longer_fence_contains_shorter_one():
    text = "````md\n```\ninner\n```\n````"
    assert split_code_blocks(text) == [Segment("code", "```\ninner\n```", "md")]


def test_highlighting_uses_inline_colours_and_escapes():
    html = highlight_code("if a < b:\n    print('x')", "python")
    assert 'style="' in html and "color" in html
    assert "&lt;" in html and "<script" not in html


def test_unknown_language_is_escaped_plain_text():
    assert highlight_code("<b>x</b>", "no-such-language") == "&lt;b&gt;x&lt;/b&gt;"


def test_code_blocks_of_a_reply_skip_reasoning():
    from app.core.markup import code_blocks

    reply = "<think>```\nscratch\n```</think>Use:\n```sh\nls\n```\nor\n```\npwd\n```"
    assert [s.text for s in code_blocks(reply)] == ["ls", "pwd"]
