"""Rewriting a passage in another style: the styles, the prompt, cleaning the model's reply,
judging what is left, and the word-level diff the writer reviews before accepting the rewrite.

Small instruct models rarely answer with the bare passage: they announce it ("Here is the
rewritten text:"), wrap it in quotes, a code fence or the prompt's own tags, write the
prompt's labels and context back, and explain themselves afterwards. ``clean_reply`` peels
those wrappers off, but never one that the passage itself has: a quotation keeps its quotes.
``rewrite_problems`` says what cleaning cannot mend: a reply about the passage instead of a
rewrite, one that repeats itself, one cut off at the length limit.
"""

from __future__ import annotations

import difflib
import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

# The plain chat format's role labels ("User:", "Assistant:"), which a model without a chat
# template sees around the prompt and may write back.
from app.core.chat_template import _FALLBACK_LABELS
from app.core.generation import ChatMessage
from app.core.markup import split_reasoning
from app.core.presets import builtin_presets, merge_presets, save_user_preset, user_presets
from app.core.translatable import QT_TRANSLATE_NOOP

# The story writer's definitions of a CJK character, a word character and a reader's cut
# points, so that word counts, context cuts and diffs agree on what a word and a sentence are.
from app.core.writing import _CJK, _JOINER, _MAX_CUT_LOSS, _WORD_CHAR, _sentence_starts, _word_starts

USER_FILE = "styles.json"

# --- Styles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    name: str
    instruction: str
    builtin: bool = False


_KEY, _KIND = "instruction", "style"


def builtin_styles() -> list[Style]:
    return [Style(name, text, True) for name, text in builtin_presets(USER_FILE, _KEY, _KIND)]


def user_styles(config_dir: Path) -> tuple[list[Style], str | None]:
    mine, problem = user_presets(config_dir / USER_FILE, _KEY, _KIND)
    return [Style(name, text) for name, text in mine], problem


def all_styles(config_dir: Path) -> tuple[list[Style], str | None]:
    """The built-in styles, then the user's. A user's style named like a built-in one (in any
    case) replaces it in place, so the writer finds "Formal" where it always was."""
    mine, problem = user_presets(config_dir / USER_FILE, _KEY, _KIND)
    builtin = builtin_presets(USER_FILE, _KEY, _KIND)
    return [Style(name, text, is_builtin) for (name, text), is_builtin in merge_presets(builtin, mine)], problem


def save_user_style(config_dir: Path, name: str, instruction: str) -> Style:
    """Adds or replaces (whatever the case of its name) one of the user's styles; written
    atomically."""
    name, instruction = name.strip(), instruction.strip()
    if not name:
        raise ValueError(QT_TRANSLATE_NOOP("Presets", "A style needs a name."))
    if not instruction:
        raise ValueError(QT_TRANSLATE_NOOP("Presets", "A style needs an instruction."))
    save_user_preset(config_dir / USER_FILE, _KEY, _KIND, name, instruction)
    return Style(name, instruction)


def find_style(styles: list[Style], name: str) -> Style | None:
    key = name.strip().casefold()
    return next((style for style in styles if style.name.casefold() == key), None)


# --- The prompt ---------------------------------------------------------------------------

# The prompt's own labels. The cleaner recognises a reply that repeats them by these same
# names, so the prompt and the cleaner cannot drift apart.
PASSAGE_TAG = "passage"
PASSAGE_HEADING = "Passage to rewrite:"
DO_NOT_REWRITE = "(do not rewrite)"
BEFORE_HEADING = f"Text before {DO_NOT_REWRITE}:"
AFTER_HEADING = f"Text after {DO_NOT_REWRITE}:"
ALSO_LABEL = "Also:"

REWRITE_SYSTEM = (
    "You rewrite passages of text. The user gives an instruction and a passage between "
    f"<{PASSAGE_TAG}> and </{PASSAGE_TAG}>; rewrite that passage as the instruction says. Output ONLY the "
    "rewritten passage: no preamble, no quotes or tags around it, no notes or explanations. "
    "Keep the language of the passage unless the instruction says otherwise: if the passage "
    f"is in Chinese, write in Chinese. Text marked \"{DO_NOT_REWRITE.strip('()')}\" only shows what surrounds "
    "the passage: never rewrite it or repeat it."
)


def build_rewrite_messages(
    passage: str,
    style: Style | None,
    instruction: str = "",
    before: str = "",
    after: str = "",
) -> tuple[ChatMessage, ...]:
    """The chat messages asking for a rewrite of ``passage``. ``before`` and ``after`` are the
    text around it, given so the rewrite fits in; they are marked as not to be rewritten."""
    instruction = instruction.strip()
    if style is None and not instruction:
        raise ValueError(QT_TRANSLATE_NOOP("Rewrite", "Choose a style or write an instruction."))
    if not passage.strip():
        raise ValueError(QT_TRANSLATE_NOOP("Rewrite", "There is nothing to rewrite."))
    asks = [style.instruction] if style is not None else []
    if instruction:
        asks.append(f"{ALSO_LABEL} {instruction}" if asks else instruction)
    sections = ["\n".join(asks)]
    if before.strip():
        sections.append(f"{BEFORE_HEADING}\n{before.strip()}")
    if after.strip():
        sections.append(f"{AFTER_HEADING}\n{after.strip()}")
    # The passage comes last, nearest to the answer, where small models attend best; its
    # outer whitespace is left out here and given back by clean_reply.
    sections.append(f"{PASSAGE_HEADING}\n<{PASSAGE_TAG}>\n{passage.strip()}\n</{PASSAGE_TAG}>")
    return ChatMessage("system", REWRITE_SYSTEM), ChatMessage("user", "\n\n".join(sections))


# --- Context around a selection -----------------------------------------------------------


def context_around(text: str, start: int, end: int, max_chars: int = 1200) -> tuple[str, str]:
    """The text before and after the selection ``text[start:end]`` that the model sees as
    context: the paragraph the selection starts in, up to it (or the whole paragraph before,
    when the selection starts a paragraph), and likewise the rest of the paragraph it ends
    in (or the next one). Each is at most ``max_chars``, cut where a reader would cut."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"selection {start}:{end} is outside the text")
    head = text[:start].rstrip()
    before = head[head.rfind("\n") + 1 :].strip()
    after = text[end:].lstrip().split("\n", 1)[0].strip()
    return _keep_end(before, max_chars), _keep_start(after, max_chars)


def _keep_end(text: str, limit: int) -> str:
    """The end of ``text`` in at most ``limit`` characters, beginning at a sentence, else at
    a word, unless that wastes more than a share of the room."""
    if len(text) <= limit:
        return text
    earliest = len(text) - limit
    for starts in (_sentence_starts(text), _word_starts(text)):
        index = bisect_left(starts, earliest)
        if index < len(starts) and starts[index] - earliest <= _MAX_CUT_LOSS * limit:
            return text[starts[index] :]
    return text[earliest:].lstrip()


def _keep_start(text: str, limit: int) -> str:
    """The beginning of ``text`` in at most ``limit`` characters, ending before a sentence,
    else a word, with the same allowance as ``_keep_end``."""
    if len(text) <= limit:
        return text
    for starts in (_sentence_starts(text), _word_starts(text)):
        index = bisect_right(starts, limit) - 1
        if index >= 0 and limit - starts[index] <= _MAX_CUT_LOSS * limit:
            return text[: starts[index]].rstrip()
    return text[:limit].rstrip()


# --- Cleaning the reply -------------------------------------------------------------------

# Words that acknowledge the request: "Sure!", "好的。", "Here you go:".
_ACK = re.compile(
    r"(?:sure|certainly|of course|absolutely|okay|ok|alright|here you go|here it is)\b"
    r"|好的|当然|當然|没问题|沒問題",
    re.IGNORECASE,
)
# A first line that presents what follows: "Here is …", "以下是…".
_HERE = re.compile(
    r"(?:here(?:'s|’s| is| are)|below is|the following is)\b|以下|如下|下面是|这是|這是", re.IGNORECASE
)
# Words that name the rewrite itself. The strong ones are enough to recognise an announcement
# that ends with a full stop ("Here is the rewritten passage."); the others only one that ends
# with a colon, since a passage may well begin "Here is the text of the letter."
_STRONG = (
    r"\b(?:rewrit\w*|revised|revision|rephrased|paraphrased|edited|corrected|polished|simplified|improved"
    r"|version)\b"
    r"|改写|改寫|重写|重寫|修改|润色|潤色|修订|修訂|版本"
)
_REWRITE_WORD = re.compile(_STRONG, re.IGNORECASE)
_LABEL_WORD = re.compile(
    _STRONG + r"|\b(?:passage|text|paragraph|output|result|answer|take)\b|文本|段落|结果|結果|译文|譯文",
    re.IGNORECASE,
)
_EMPHASIS = "*_#`> \t"  # markdown around a label: **Rewritten:**, ### Revised version
_INLINE_LABEL = re.compile(r"(?P<label>[^\n:：]{1,100})[:：](?:\*\*|__)?")

# Explanations after the rewrite. The explicit ones ("Note:", "注：") are cut wherever a line
# starts with them; the others ("I changed…", "This version…") could be prose, so only when
# they start a paragraph beyond the passage's own number of paragraphs.
_NOTE_PREFIX = r"[^\S\n]*[*_#>(（\[]*[^\S\n]*"
_EXPLICIT_NOTE = re.compile(
    _NOTE_PREFIX
    + r"(?:notes?\s*[:：]|note that\b|explanations?\b|changes(?: made)?\s*[:：]|summary of changes"
    r"|(?:注|说明|說明|解释|解釋|备注|備註|修改说明|修改說明|改动|改動)\s*[:：])",
    re.IGNORECASE,
)
_ASIDE_NOTE = re.compile(
    _NOTE_PREFIX
    + r"(?:(?:this|the|in this|in the) (?:rewritten |revised |new |edited |more \w+ )?"
    r"(?:version|rewrite|passage|text)\b"
    r"|i(?:'ve| have)? (?:changed|replaced|removed|made|kept|used|rewrote|rewritten|rephrased|simplified"
    r"|corrected|fixed|added|adjusted|tried)\b"
    r"|let me know|i hope|feel free"
    r"|(?:这个|這個|此|该|該|改写后的|改寫後的)版本)",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
# Markdown framing: a rule ("---") above or below the rewrite, "> " before each of its lines.
_EDGE_RULE = re.compile(r"\A(?:-{3,}|\*{3,}|_{3,})[^\S\n]*\n|\n[^\S\n]*(?:-{3,}|\*{3,}|_{3,})\Z")
_QUOTED_LINE = re.compile(r"(?m)^[^\S\n]*>[^\S\n]?")

# The prompt's scaffolding, written back. The prompt's own tag never belongs to prose; its
# headings and labels count only where they start a line.
_PROMPT_TAG = rf"</?{PASSAGE_TAG}>"
_PASSAGE_TAGS = re.compile(rf"<{PASSAGE_TAG}>\s*(.*?)\s*</{PASSAGE_TAG}>", re.DOTALL | re.IGNORECASE)
_TAG_BETWEEN_WORDS = re.compile(rf"(?<=\S)[^\S\n]*{_PROMPT_TAG}[^\S\n]*(?=\S)", re.IGNORECASE)
_TAG_ANYWHERE = re.compile(rf"[^\S\n]*{_PROMPT_TAG}[^\S\n]*", re.IGNORECASE)
# Tags a model invents around its whole answer: <text>…</text>, a lone </rewrite> at the end.
_EDGE_TAG = re.compile(r"\A\s*<[A-Za-z][\w-]*>|</[A-Za-z][\w-]*>\s*\Z")


def _line_labels(*labels: str) -> re.Pattern[str]:
    """Any of ``labels`` starting a line, perhaps in markdown emphasis ("**Also:**")."""
    names = "|".join(re.escape(label) for label in labels)
    return re.compile(rf"(?im)^[^\S\n]*[*_#>]*[^\S\n]*(?:{names})(?:\*\*|__)?[^\S\n]*")


_ROLE_LABELS = tuple(f"{label}:" for label in _FALLBACK_LABELS.values())
_ASSISTANT_LABEL = f"{_FALLBACK_LABELS['assistant']}:"
_PASSAGE_HEADING_LINE = _line_labels(PASSAGE_HEADING)
# The headings of the context, and those a model makes up after them ("Passage after (do not
# rewrite):"): a line that ends in the prompt's "(do not rewrite):".
_CONTEXT_HEADING_LINE = re.compile(rf"(?im)^[^\n]*{re.escape(DO_NOT_REWRITE)}[^\S\n]*:(?:\*\*|__)?[^\S\n]*")
_ALSO_LINE = _line_labels(ALSO_LABEL)
_ROLE_LINE = _line_labels(*_ROLE_LABELS)
_ANY_MARKER_LINE = _line_labels(PASSAGE_HEADING, ALSO_LABEL, *_ROLE_LABELS)
_SECTION_END = re.compile(r"\n[^\S\n]*\n")
_MIN_ECHO = 8  # characters: a shorter line may well be in the context and the rewrite alike

_FENCED = re.compile(
    r"\A(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)(?:\n[^\S\n]*(?P=fence)[`~]*)?\s*\Z", re.DOTALL
)
_QUOTES = (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’"), ("「", "」"), ("『", "』"), ("[", "]"))
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")  # don't, it’s: not a closing quote


def _is_preamble(opening: str, terminator: str) -> bool:
    """Whether ``opening`` (a first line, or what precedes a colon, without its final
    punctuation ``terminator``) announces the answer rather than being part of it."""
    if not opening or len(opening) > 160:
        return False
    if _ACK.fullmatch(opening.rstrip("!！.。,，~～ ")):
        return True
    acknowledged = _ACK.match(opening)
    if terminator in (":", "："):
        if acknowledged:
            return True  # "Certainly, here is a more casual take:"
        if _HERE.match(opening):
            return bool(_LABEL_WORD.search(opening))
        short = len(opening) <= 40 and len(opening.split()) <= 6
        return short and bool(_LABEL_WORD.search(opening))  # "Rewritten passage:", "改写后："
    rest = opening[acknowledged.end() :].lstrip(" !！.。,，") if acknowledged else opening
    return bool(_HERE.match(rest)) and bool(_REWRITE_WORD.search(rest))


def _strip_preamble(text: str, passage: str) -> str:
    first, _, rest = text.partition("\n")
    line = first.strip().strip(_EMPHASIS)
    terminator = line[-1:] if line[-1:] in (":", "：", ".", "。", "!", "！") else ""
    opening = line[: len(line) - len(terminator)].strip(_EMPHASIS)
    if _is_preamble(opening, terminator):
        return rest
    # "Rewritten passage: The meeting…": the label shares the answer's line.
    label = _INLINE_LABEL.match(text)
    if label and _is_preamble(label["label"].strip(_EMPHASIS), ":"):
        return text[label.end() :]
    return text


# A reply that talks about the passage instead of rewriting it: "The passage is in Chinese,
# but…", "This text has no mistakes.", "I'm sorry, I cannot…", "这段文字没有错误。"
_COMMENTARY = re.compile(
    r"(?:(?:the|this|that|your)\s+(?:given\s+|provided\s+|original\s+|above\s+)?"
    r"(?:passage|text|sentence|paragraph|excerpt|input)\s+"
    r"(?:is|was|seems|appears|looks|does|doesn't|has|contains|already|you|provided|given|reads|describes"
    r"|talks|uses|consists|needs|doesn’t)\b"
    r"|(?:i'?m|i am|i’m)\s+sorry\b|sorry\b|as an ai\b"
    r"|i\s+(?:cannot|can't|can’t|can not|am unable|'m unable|’m unable|don't see|do not see)\b"
    r"|there (?:are|is|were|was) no\s+(?:\w+\s+){0,2}(?:mistakes?|errors?|changes?|corrections?)\b"
    r"|no (?:\w+\s+)?(?:changes|corrections) (?:are |were )?(?:needed|necessary|required)\b"
    r"|it (?:seems|looks|appears) (?:like|that)\b"
    r"|(?:please|could you|can you)\s+(?:please\s+)?provide\b"
    r"|(?:这|這|此|该|該)(?:段|篇|句)(?:文字|话|話|文本|内容|內容)?"
    r"(?:是|为|為|已经|已經|没有|沒有|中|里|裡|看起来|看起來|似乎|描述|讲述|講述|包含|使用)"
    r"|原文(?:是|已经|已經|没有|沒有|中)|抱歉|对不起|對不起|我无法|我無法|我不能"
    r"|没有(?:需要)?(?:修改|错误|錯誤)|沒有(?:需要)?(?:修改|錯誤))",
    re.IGNORECASE,
)


def _opens_with_commentary(text: str) -> bool:
    return bool(_COMMENTARY.match(text.lstrip(_EMPHASIS)))


def _strip_commentary(text: str, passage: str) -> str:
    """Words about the passage before the rewrite: a first line that ends with a colon ("The
    passage is in Chinese, but here is the corrected version:"), or a first paragraph beyond
    the passage's own number of paragraphs."""
    if not _opens_with_commentary(text):
        return text
    first, newline, rest = text.partition("\n")
    if newline and rest.strip() and first.rstrip(_EMPHASIS)[-1:] in (":", "："):
        return rest
    gap = _BLANK_LINE.search(text)
    if gap and len(_BLANK_LINE.split(text.strip())) > len(_BLANK_LINE.split(passage)):
        return text[gap.end() :]
    return text


def _strip_notes(text: str, passage: str) -> str:
    cuts = [m.start() for m in re.finditer("\n", text) if _EXPLICIT_NOTE.match(text, m.end())]
    paragraphs = len(_BLANK_LINE.split(passage))
    for index, gap in enumerate(_BLANK_LINE.finditer(text), start=1):
        if index >= paragraphs and _ASIDE_NOTE.match(text, gap.end()):
            cuts.append(gap.start())
            break
    return text[: min(cuts)] if cuts else text


def _unframe(text: str, passage: str) -> str:
    text = _EDGE_RULE.sub("", text)
    if all(line.lstrip().startswith(">") for line in text.splitlines() if line.strip()):
        text = _QUOTED_LINE.sub("", text)
    return text


def _untag(text: str, passage: str) -> str:
    """The prompt's <passage> tags, written back. A pair around the original passage is an
    echo of the prompt: the rewrite is the last pair around anything else, else what is
    outside the pairs, else (the passage came back unchanged) the last pair."""
    pairs = _PASSAGE_TAGS.findall(text)
    if pairs:
        rewritten = [pair for pair in pairs if pair != passage]
        if rewritten:
            return rewritten[-1]
        outside = _PASSAGE_TAGS.sub("", text)
        return outside if _strip_scaffolding(outside, passage).strip() else pairs[-1]
    return _TAG_ANYWHERE.sub("", _TAG_BETWEEN_WORDS.sub(" ", text))


def _strip_scaffolding(text: str, passage: str) -> str:
    """The prompt's headings and labels, written back with what they head."""
    # Role labels of the plain chat format. A reply that opens with one wrote the turns out:
    # the answer is the first assistant's turn. A label after the answer starts a turn the
    # model should not have written.
    roles = list(_ROLE_LINE.finditer(text))
    if roles and not text[: roles[0].start()].strip():
        answer = next((role for role in roles if _ASSISTANT_LABEL.casefold() in role.group().casefold()), None)
        if answer is not None:
            text = text[answer.end() :]
    turn = next((role for role in _ROLE_LINE.finditer(text) if text[: role.start()].strip()), None)
    if turn:
        text = text[: turn.start()]
    # "Text after (do not rewrite):" and the context under it, to a blank line or a label.
    while section := _CONTEXT_HEADING_LINE.search(text):
        end = len(text)
        for boundary in (_SECTION_END.search(text, section.end()), _ANY_MARKER_LINE.search(text, section.end())):
            if boundary is not None:
                end = min(end, boundary.start())
        text = text[: section.start()] + text[end:]
    text = "\n".join(line for line in text.split("\n") if not _ALSO_LINE.match(line))
    # "Passage to rewrite:" after the answer starts a prompt the model went on to make up;
    # before it, it ends the prompt the model wrote back, and the answer follows (perhaps
    # after the original passage, written back too).
    heading = _PASSAGE_HEADING_LINE.search(text)
    if heading:
        above, below = text[: heading.start()], text[heading.end() :].strip()
        if above.strip():
            text = above
        else:
            echoed = re.match(rf"{re.escape(passage)}[^\S\n]*\n", below)
            text = below[echoed.end() :] if echoed and below[echoed.end() :].strip() else below
    return _strip_trailing_label(text)


def _drop_echoed_lines(text: str, passage: str, prompt: str) -> str:
    """Lines of the ``prompt`` written back: the instruction, the text around the passage.
    The prompt's headings stay, for _strip_scaffolding to take with what they head."""
    if not prompt:
        return text
    return "\n".join(line for line in text.split("\n") if not _is_echoed_line(line.strip(), passage, prompt))


def _is_echoed_line(line: str, passage: str, prompt: str) -> bool:
    if len(line) < _MIN_ECHO or line not in prompt or line in passage:
        return False
    return not (_ANY_MARKER_LINE.match(line) or _CONTEXT_HEADING_LINE.match(line) or _TAG_ANYWHERE.search(line))


def _strip_trailing_label(text: str) -> str:
    """A label the model wrote last and never followed: "…\n\nRewrite:"."""
    head, newline, last = text.rstrip().rpartition("\n")
    line = last.strip().strip(_EMPHASIS)
    if newline and line[-1:] in (":", "：") and _is_preamble(line[:-1].strip(_EMPHASIS), ":"):
        return head
    return text


def _cut_at_label(text: str, passage: str) -> str:
    """A paragraph further down that starts with a label ("Rewrite:", "Output: …") starts
    the model's next attempt, often the same again until the length limit: the answer is the
    first one. Only when the first is the original passage, written back, is it what follows."""
    for gap in _BLANK_LINE.finditer(text):
        above, rest = text[: gap.start()], text[gap.end() :]
        line, _, below = rest.partition("\n")
        label = line.strip().strip(_EMPHASIS)
        if label[-1:] in (":", "："):
            labelled = _is_preamble(label[:-1].strip(_EMPHASIS), ":")
        else:
            inline = _INLINE_LABEL.match(rest)
            labelled = bool(inline) and _is_preamble(inline["label"].strip(_EMPHASIS), ":")
            below = rest[inline.end() :] if labelled else below
        if labelled:
            return below if above.strip() == passage and below.strip() else above
    return text


def _strip_edge_tags(text: str, passage: str) -> str:
    return _EDGE_TAG.sub("", text)


def _unfence(text: str, passage: str) -> str:
    fenced = _FENCED.match(text)
    if fenced is None:
        return text
    if re.search(rf"(?m)^[^\S\n]*{re.escape(fenced['fence'][:3])}", fenced["body"]):
        return text  # several blocks, not one around everything
    return fenced["body"]


def _unquote(text: str, passage: str) -> str:
    for opening, closing in _QUOTES:
        if len(text) > 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1]
            # '"Hi," she said, "bye."' starts and ends with quotes that are not one pair.
            loose = _APOSTROPHE.sub("", inner)
            if opening not in loose and closing not in loose:
                return inner
    return text


# Each step takes the reply so far and the passage, and removes one kind of wrapping. They are
# in the order that peels the usual wrapping from the outside in, and repeated until none
# applies, so any nesting is undone. clean_reply puts the lines of the prompt written back
# (_drop_echoed_lines) first.
_STEPS: tuple[Callable[[str, str], str], ...] = (
    _strip_scaffolding,
    _untag,
    _strip_edge_tags,
    _strip_preamble,
    _strip_commentary,
    _cut_at_label,
    _unframe,
    _unfence,
    _unquote,
    _strip_notes,
)


def clean_reply(reply: str, passage: str, prompt: Sequence[ChatMessage] = ()) -> str:
    """The rewrite in a model's ``reply`` to a ``build_rewrite_messages`` prompt, without the
    wrapping small models add, and with the leading and trailing whitespace of ``passage``
    (so that it replaces a selection without gluing words together). ``prompt``, the messages
    of that prompt, lets the lines of them that the model wrote back (the text around the
    passage, the instruction) go too. Empty when the reply is empty, holds only
    unfinished reasoning, or only the prompt's own labels."""
    _, answer = split_reasoning(reply)
    if "</think>" in answer:  # the chat template opened the <think> block itself
        answer = answer.rsplit("</think>", 1)[1]
    core = passage.strip()
    # A step that would change the passage itself would take away the passage's own shape
    # (a quotation's quotes, a first line "Note:"): the passage's look is not a wrapper.
    echoed = partial(_drop_echoed_lines, prompt="\n".join(message.content for message in prompt))
    steps = [step for step in (echoed, *_STEPS) if step(core, core).strip() == core]
    text = answer.strip()
    changed = True
    while changed:
        changed = False
        for step in steps:
            stripped = step(text, core).strip()
            # A step never takes everything: a lone "Here is the rewritten text:" stays,
            # for the writer to see what the model did.
            if stripped and stripped != text:
                text, changed = stripped, True
    if _strip_scaffolding in steps and not _strip_scaffolding(text, core).strip():
        return ""  # nothing but the prompt's own labels and context, written back
    if not text or not core:
        return text
    return passage[: len(passage) - len(passage.lstrip())] + text + passage[len(passage.rstrip()) :]


# --- Judging the rewrite ------------------------------------------------------------------

TALKS_ABOUT_PASSAGE = QT_TRANSLATE_NOOP(
    "Rewrite", "The model wrote about the passage instead of rewriting it. Retry asks again."
)
REPEATS_ITSELF = QT_TRANSLATE_NOOP(
    "Rewrite", "The rewrite repeats itself. Check it before accepting it, or Retry."
)
STOPPED_AT_LENGTH = QT_TRANSLATE_NOOP(
    "Rewrite", "The rewrite stopped at the length limit, so its end may be missing. Check it before accepting it, or Retry."
)

_REPEAT_SPAN = 4  # tokens in a row that, met again, count as said again
_REPEATED_SHARE = 0.3  # of the runs of tokens: more than the passage's own repeats by this much


def _repeated_share(text: str) -> float:
    """The share of the runs of ``_REPEAT_SPAN`` tokens in ``text`` that it has already said;
    0 for a text too short to tell."""
    words = [token.rstrip().casefold() for token in _tokens(text) if token.strip()]
    runs = [tuple(words[index : index + _REPEAT_SPAN]) for index in range(len(words) - _REPEAT_SPAN + 1)]
    if len(runs) < 2 * _REPEAT_SPAN:
        return 0.0
    return 1 - len(set(runs)) / len(runs)


def _repeated_sentences(text: str) -> int:
    """How many times ``text`` says one of its sentences (of some length) again."""
    counts: dict[str, int] = {}
    for line in text.split("\n"):
        cuts = [0, *_sentence_starts(line), len(line)]
        for start, end in zip(cuts, cuts[1:]):
            sentence = " ".join(line[start:end].split()).casefold()
            if len(sentence) >= _MIN_ECHO:
                counts[sentence] = counts.get(sentence, 0) + 1
    return sum(count - 1 for count in counts.values())


def repeats_itself(rewrite: str, passage: str) -> bool:
    """Whether ``rewrite`` says the same thing over again (a small model caught in a loop
    until the length limit), more than ``passage`` itself does (a refrain stays a refrain):
    a sentence said again, or many runs of words met before."""
    if _repeated_sentences(rewrite) > _repeated_sentences(passage):
        return True
    share = _repeated_share(rewrite)
    return share >= _REPEATED_SHARE and share >= _repeated_share(passage) + _REPEATED_SHARE


def talks_about_passage(rewrite: str, passage: str) -> bool:
    """Whether ``rewrite`` (a cleaned reply) is words about the passage rather than a rewrite
    of it: "The passage is in Chinese, but…", or only an announcement ("Here is the
    rewritten text:"). A passage that itself opens that way is rewritten that way."""
    text, core = rewrite.strip(), passage.strip()
    if not text or _opens_with_commentary(core) or _strip_preamble(core, core) != core:
        return False
    only_an_announcement = "\n" not in text and not _strip_preamble(text, core).strip()
    return only_an_announcement or _opens_with_commentary(text)


def rewrite_problems(rewrite: str, passage: str, finish_reason: str = "stop") -> tuple[str, ...]:
    """What the writer should know before accepting ``rewrite`` of ``passage``, which ended
    for ``finish_reason``: messages (Translatable), none when it looks like a rewrite."""
    problems = []
    if talks_about_passage(rewrite, passage):
        problems.append(TALKS_ABOUT_PASSAGE)
    if repeats_itself(rewrite, passage):
        problems.append(REPEATS_ITSELF)
    if finish_reason == "length":
        problems.append(STOPPED_AT_LENGTH)
    return tuple(problems)


# --- Word diff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffOp:
    kind: str  # "equal", "insert" or "delete"
    text: str


_LETTER = rf"(?:(?!{_CJK.pattern}){_WORD_CHAR})"  # a word character outside the CJK scripts
# A token is a word, a run of punctuation or any other single character (so each CJK
# character is one: those scripts have no spaces between words), each with the whitespace
# after it; or the whitespace that starts the text. Every character is in exactly one token.
_TOKEN = re.compile(rf"(?:{_LETTER}+(?:{_JOINER}{_LETTER}+)*|[^\w\s]+|\S)\s*|\s+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[DiffOp]:
    """The word-level changes from ``old`` to ``new``: the equal and deleted texts join to
    ``old``, the equal and inserted ones to ``new``."""
    a, b = _tokens(old), _tokens(new)
    # Tokens are matched without their trailing whitespace, so that "left" at the end of one
    # text still matches "left " in the middle of the other; the whitespace is diffed apart.
    # autojunk would ignore frequent tokens in long texts ("the ", or "的" in Chinese).
    matcher = difflib.SequenceMatcher(None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            _append(ops, "delete", "".join(a[i1:i2]))
            _append(ops, "insert", "".join(b[j1:j2]))
            continue
        for x, y in zip(a[i1:i2], b[j1:j2]):
            word = x.rstrip()
            _append(ops, "equal", word)
            if x == y:
                _append(ops, "equal", x[len(word) :])
            else:
                _append(ops, "delete", x[len(word) :])
                _append(ops, "insert", y[len(word) :])
    return ops


def _append(ops: list[DiffOp], kind: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1].kind == kind:
        ops[-1] = DiffOp(kind, ops[-1].text + text)
    else:
        ops.append(DiffOp(kind, text))


_DIFF_STYLES = {
    "delete": "color:#b42318;text-decoration:line-through;",
    "insert": "color:#067647;background-color:#e7f6ec;",
}


def diff_html(ops: list[DiffOp]) -> str:
    """Rich text for a Qt text view: deletions struck through in red, insertions in green."""
    parts = []
    for op in ops:
        text = html.escape(op.text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
        style = _DIFF_STYLES.get(op.kind)
        parts.append(f'<span style="{style}">{text}</span>' if style else text)
    return "".join(parts)


# A token is about 3 bytes of UTF-8 in English and in Chinese alike: enough to judge, before
# tokenizing, whether a passage and its rewrite can both fit the context.
_BYTES_PER_TOKEN = 3


def estimate_tokens(text: str) -> int:
    return len(text.encode("utf-8")) // _BYTES_PER_TOKEN + 1


def rewrite_max_tokens(passage: str, n_ctx: int | None = None) -> int:
    """Room for the rewrite: about twice the passage (a style may lengthen it), at least 64
    tokens, and no more than half the context when it is known."""
    wanted = max(64, 2 * estimate_tokens(passage) + 32)
    return min(wanted, n_ctx // 2) if n_ctx else wanted
