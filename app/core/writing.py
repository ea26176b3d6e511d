"""Story continuation: word counts and the prompt that continues a writer's draft.

The model continues the text before the cursor. When the draft is longer than the context
allows, the prompt keeps the memory, the author's note and as much of the draft's end as
fits, cut where a reader would cut (a paragraph, else a sentence, else a word).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from app.core.generation import TEMPLATE_ALLOWANCE, ChatMessage, ContinuationSource, ModelInfo, prompt_budget
from app.core.lorebook import PART_SEPARATOR, LoreContext, Lorebook, PromptPart, lore_context, parts_text, split_at_note
from app.core.translatable import QT_TRANSLATE_NOOP

Mode = Literal["plain", "instruct"]
MODES: tuple[Mode, ...] = ("plain", "instruct")

# The prompt style a draft is continued with until the writer picks another, in the window
# and on the command line alike. Chosen by measurement (packaging/measure_writing_styles.py,
# numbers in the README): of 30 continuations with the starter model, 26 carried the draft
# on when it was continued as is, 9 when the model was asked to "continue the story" (it
# copied the draft back or talked about it instead).
DEFAULT_MODE: Mode = "plain"

# Tokens generated per continuation, by the length the writer picks.
LENGTHS: dict[str, int] = {"short": 40, "paragraph": 120, "long": 300}

INSTRUCT_SYSTEM = (
    "You are a fiction co-writer. The user gives you a story that stops part-way. Continue "
    "it exactly where it stops: if it ends in the middle of a sentence, finish that sentence. "
    "Keep the same voice, tense, point of view, style and language; if the story is written "
    "in Chinese, continue in Chinese. Use the memory and the author's note when they are "
    "given, but never mention them. If the story is empty, begin it. Write only the "
    "continuation: no title, no notes or comments, and do not repeat any of the text you "
    "were given."
)

MIN_BUDGET_TOKENS = 16

# --- Word counts --------------------------------------------------------------------------

# Scripts written without spaces: every character is a word. Kana and hangul syllables are
# counted the same way, as Japanese and Korean editors count characters.
_CJK = re.compile(
    "["
    "\u3005-\u3007"  # 々 〆 〇
    "\u3041-\u3096\u309d-\u309f"  # hiragana, without the combining sound marks
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana, without ゠ and the middle dot ・
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK unified ideographs extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7a3"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9d"  # halfwidth katakana
    "\U00020000-\U000323af"  # extensions B to H, compatibility supplement
    "]"
)


def _combining_marks() -> str:
    """A character class body for the combining marks of the alphabetic scripts. ``\\w``
    leaves them out, which would split words such as Hindi "हिन्दी" at every vowel sign."""
    blocks = (range(0x0300, 0x1E00), range(0x20D0, 0x2100), range(0xFE20, 0xFE30))
    marks = [c for block in blocks for c in block if unicodedata.category(chr(c)).startswith("M")]
    runs: list[str] = []
    start = previous = marks[0]
    for code in [*marks[1:], -1]:
        if code != previous + 1:
            runs.append(f"\\u{start:04x}" if start == previous else f"\\u{start:04x}-\\u{previous:04x}")
            start = code
        previous = code
    return "".join(runs)


_WORD_CHAR = rf"(?:[^\W_]|[{_combining_marks()}])"
# Inside a word: apostrophes and hyphens ("don't", "well-known"), and the separators of a
# number ("3.14", "1,000").
_JOINER = r"(?:['’‐-]|(?<=\d)[.,](?=\d))"
_WORD = re.compile(rf"{_WORD_CHAR}+(?:{_JOINER}{_WORD_CHAR}+)*")


def count_words(text: str) -> int:
    """Words as a writer counts them: each CJK ideograph, kana or hangul syllable is one word;
    elsewhere a word is a run of letters and digits. Punctuation and emoji are not words."""
    text = unicodedata.normalize("NFC", text)
    cjk = len(_CJK.findall(text))
    return cjk + len(_WORD.findall(_CJK.sub(" ", text)))


# --- Continuation prompts -----------------------------------------------------------------


@dataclass(frozen=True)
class ContinuationPrompt:
    prompt: str | None  # plain mode: the raw text the model continues
    messages: tuple[ChatMessage, ...]  # instruct mode: chat messages (empty in plain mode)
    visible_start: int  # offset into the draft where the part the model sees begins
    memory_included: bool  # the whole (non-empty) memory is in the prompt
    note_included: bool  # the (non-empty) author's note is in the prompt
    # The prompt in pieces (see _Layout.segments): in plain mode they join to ``prompt``, in
    # instruct mode to the user message.
    segments: tuple[tuple[SegmentKind, str], ...] = ()


# Where a cut may start the kept text, from the most to the least natural. Each pattern finds
# the offset where the kept text would begin.
_PARAGRAPH_START = re.compile(r"(?m)^(?=[^\S\n]*\S)")  # a line that is not blank
_SENTENCE_START = re.compile(
    r"(?:[.!?…]+(?:[\"'”’»」』)\]]+\s*|\s+)"  # Latin ends need a space or a closing quote after
    r"|[。！？｡]+[”’」』）]*\s*)"  # CJK ends stand alone: no space follows them
    r"(?=\S)"
)
_WORD_START = re.compile(r"(?<=\s)(?=\S)")

# Cutting at a paragraph may lose at most this share of the text that would fit before a
# sentence cut is preferred (and likewise sentence before word, word before character).
_MAX_CUT_LOSS = 0.25


def _paragraph_starts(text: str) -> list[int]:
    return [m.start() for m in _PARAGRAPH_START.finditer(text)]


def _sentence_starts(text: str) -> list[int]:
    return [m.end() for m in _SENTENCE_START.finditer(text)]


def _word_starts(text: str) -> list[int]:
    return [m.start() for m in _WORD_START.finditer(text)]


def _starts_character(text: str, index: int) -> bool:
    """Whether the kept text may begin at ``index`` when cutting anywhere: not on a space and
    not inside a character built of several code points (accents, emoji sequences)."""
    char = text[index]
    if char.isspace() or unicodedata.combining(char) or char in "\u200d\ufe0f":
        return False
    return text[index - 1] != "\u200d"


@dataclass(frozen=True)
class _Probe:
    start: int  # where the kept text begins
    tokens: int  # the prompt's size with it


def _narrow(
    starts: Sequence[int],
    over: _Probe,
    fits: _Probe,
    measure: Callable[[int], int],
    limit: int,
) -> tuple[_Probe, _Probe]:
    """The first of ``starts`` (sorted, all strictly between ``over`` and ``fits``) whose
    prompt fits ``limit``, and the last one before it that does not: the bracket tightened
    around the fitting point. Each probe is aimed where the tokens measured at the bracket's
    ends say the limit is (text has a fairly steady number of characters per token); when
    that fails to halve the candidates, the next probe bisects, so the number of
    measurements stays logarithmic even for a tokenizer far from linear."""
    low, high = 0, len(starts)  # starts[low:high] are not measured yet
    bisect_next = False
    while low < high:
        if bisect_next or over.tokens <= fits.tokens:
            index = (low + high) // 2
        else:
            share = (over.tokens - limit) / (over.tokens - fits.tokens)
            target = over.start + share * (fits.start - over.start)
            index = min(bisect_left(starts, target, low, high), high - 1)
        before = high - low
        probe = _Probe(starts[index], measure(starts[index]))
        if probe.tokens <= limit:
            fits, high = probe, index
        else:
            over, low = probe, index + 1
        bisect_next = not bisect_next and (high - low) * 2 > before
    return over, fits


def _fit_tail(text: str, measure: Callable[[int], int], limit: int, whole: int, empty: int) -> int:
    """Where the kept end of ``text`` begins so that ``measure(start) <= limit``, cut at a
    paragraph, else a sentence, else a word, else a character. ``whole`` is measure(0), known
    to be over the limit, and ``empty`` is measure(len(text)), known to fit."""
    over, fits = _Probe(0, whole), _Probe(len(text), empty)
    # The fitting point is found one level at a time, each search within the bracket the
    # coarser one left, so the whole search costs about as much as one over the characters.
    firsts: list[int] = []
    for starts in (_paragraph_starts(text), _sentence_starts(text), _word_starts(text)):
        inside = starts[bisect_right(starts, over.start) : bisect_left(starts, fits.start)]
        over, fits = _narrow(inside, over, fits, measure, limit)
        firsts.append(fits.start)
    characters = [i for i in range(over.start + 1, fits.start) if _starts_character(text, i)]
    over, fits = _narrow(characters, over, fits, measure, limit)
    fitting_point = fits.start
    room = len(text) - fitting_point
    # Every candidate below was measured and fits: no need to measure the choice again.
    for first in firsts:
        if first - fitting_point <= _MAX_CUT_LOSS * room:
            return first
    return fitting_point


# What each piece of a laid-out prompt is: the memory and the author's note as given to
# build_continuation, the draft, and the prompt's own wording and separators ("frame").
SegmentKind = Literal["memory", "note", "draft", "frame"]
NOTE_OPEN, NOTE_CLOSE = "[Author's note: ", "]"


@dataclass(frozen=True)
class _Layout:
    """Lays out a prompt from the draft's tail starting at ``start``."""

    draft: str
    mode: Mode
    note_depth: int

    def segments(self, start: int, memory: str, note: str) -> list[tuple[SegmentKind, str]]:
        """The prompt in pieces: in plain mode they join to the prompt; in instruct mode to
        the user message (the system message is INSTRUCT_SYSTEM)."""
        visible = self.draft[start:]
        if self.mode == "plain":
            pieces: list[tuple[SegmentKind, str]] = [("memory", memory), ("frame", "\n\n")] if memory else []
            if not note:
                return [*pieces, ("draft", visible)]
            at, separator = _note_place(visible, self.note_depth)
            return [*pieces, ("draft", visible[:at]), ("frame", NOTE_OPEN), ("note", note),
                    ("frame", NOTE_CLOSE + separator), ("draft", visible[at:])]
        pieces = []
        if memory:
            pieces += [("frame", "Memory:\n"), ("memory", memory), ("frame", "\n\n")]
        if note:
            pieces += [("frame", "Author's note:\n"), ("note", note), ("frame", "\n\n")]
        label = "Story so far (its beginning is left out):" if start else "Story so far:"
        return [*pieces, ("frame", f"{label}\n"), ("draft", visible)]

    def build(self, start: int, memory: str, note: str) -> tuple[str | None, tuple[ChatMessage, ...]]:
        text = "".join(piece for _, piece in self.segments(start, memory, note))
        if self.mode == "plain":
            return text, ()
        return None, (ChatMessage("system", INSTRUCT_SYSTEM), ChatMessage("user", text))

    def text(self, start: int, memory: str, note: str) -> str:
        """What the tokenizer measures for this layout."""
        prompt, messages = self.build(start, memory, note)
        return prompt if prompt is not None else "".join(m.content for m in messages)


def _note_place(visible: str, depth: int) -> tuple[int, str]:
    """Where the author's note goes in the visible draft, as a paragraph before its last
    ``depth`` paragraphs (close enough to the end to steer what comes next), and what
    separates it from the paragraph after it."""
    starts = _paragraph_starts(visible)
    if len(starts) <= depth:
        return 0, "\n\n"
    at = starts[-depth]
    # Separate it as the draft separates its paragraphs: by a blank line or a line break.
    gap = visible[len(visible[:at].rstrip()) : at]
    return at, "\n\n" if gap.count("\n") >= 2 else "\n"


def build_continuation(
    draft: str,
    *,
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    memory: str = "",
    authors_note: str = "",
    mode: Mode = "plain",
    note_depth: int = 3,
) -> ContinuationPrompt:
    """The prompt that continues ``draft`` (the text before the cursor) within
    ``budget_tokens`` as measured by ``count_tokens``, which is called O(log n) times.

    The draft's end is kept byte for byte: the model continues from exactly there. When not
    everything fits, the start of the draft is left out; if memory and note alone would crowd
    out the story, the note is dropped first and then the memory is cut from its start."""
    if budget_tokens < MIN_BUDGET_TOKENS:
        raise ValueError(f"budget_tokens must be at least {MIN_BUDGET_TOKENS}, not {budget_tokens}")
    if mode not in ("plain", "instruct"):
        raise ValueError(f"unknown mode {mode!r}: expected 'plain' or 'instruct'")
    layout = _Layout(draft, mode, max(1, note_depth))
    full_memory = memory = memory.strip()
    full_note = note = authors_note.strip()
    end = len(draft)

    def tokens(start: int, kept_memory: str, kept_note: str) -> int:
        return count_tokens(layout.text(start, kept_memory, kept_note))

    def result(start: int) -> ContinuationPrompt:
        prompt, messages = layout.build(start, memory, note)
        return ContinuationPrompt(
            prompt=prompt,
            messages=messages,
            visible_start=start,
            memory_included=bool(memory) and memory == full_memory,
            note_included=bool(note),
            segments=tuple(layout.segments(start, memory, note)),
        )

    whole = tokens(0, memory, note)
    if whole <= budget_tokens:
        return result(0)
    head = tokens(end, memory, note)  # memory and note with none of the draft
    # Memory and note may not take the room the story needs: at least half the budget is
    # kept for the draft (all of it, when the draft is shorter than that).
    head_limit = budget_tokens - min(max(whole - head, 0), budget_tokens // 2)
    if head > head_limit and note:
        note = ""
        head = tokens(end, memory, note)
    if head > head_limit and memory:
        bare = tokens(end, "", "")
        if bare > head_limit:
            memory = ""
        else:
            memory = full_memory[
                _fit_tail(full_memory, lambda m: tokens(end, full_memory[m:], ""), head_limit, head, bare) :
            ]
        head = tokens(end, memory, note)
    if (memory, note) != (full_memory, full_note):
        whole = tokens(0, memory, note)
        if whole <= budget_tokens:
            return result(0)
    if head > budget_tokens:
        # Only the fixed instruct scaffolding is left and even that is over a budget this
        # small: nothing more can be removed.
        return result(end)
    return result(_fit_tail(draft, lambda s: tokens(s, memory, note), budget_tokens, whole, head))


# --- What the next continuation sends, piece by piece -------------------------------------

SpanKind = Literal["memory", "entry", "authors_note", "draft", "frame"]


@dataclass(frozen=True)
class PromptSpan:
    """A piece of the prompt as the context inspector shows it: a part (memory, a story
    bible entry, the author's note) or the draft, each with its token count, or the prompt's
    own wording and separators ("frame", not counted)."""

    kind: SpanKind
    text: str
    label: str = ""  # the part's label (app.core.lorebook.PromptPart.label); "" for the draft and frame
    tokens: int | None = None
    cut: bool = False  # only the end of this part fitted the context


@dataclass(frozen=True)
class ContinuationContext:
    """The prompt the next continuation sends, and where each piece comes from. Made by
    :func:`continuation_context`, for the context inspector and the continuation alike."""

    draft: str  # the text before the cursor
    mode: Mode  # the layout used (see prepare_continuation)
    prompt: ContinuationPrompt
    spans: tuple[PromptSpan, ...]  # instruct mode: the system message, a blank line, the user message
    lore: LoreContext  # the entries the story called up, kept and left out
    dropped: tuple[PromptPart, ...]  # parts left out whole because the context is full
    memory: str  # what goes before the draft: the memory and the entries placed about it
    authors_note: str  # what goes where the author's note goes: entries placed there and the note
    total_tokens: int  # the whole prompt (instruct: the messages, without the chat template's markers)
    budget_tokens: int  # what the prompt may take
    context_tokens: int  # the model's context
    lore_budget_tokens: int  # what the story bible's entries may take

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    def source(self) -> ContinuationSource:
        """The request's continuation: the engine lays it out again, the same way, with the
        same tokenizer and budget, so the model gets exactly :attr:`text`."""
        return ContinuationSource(self.draft, self.memory, self.authors_note, self.mode)


def _part_spans(kept: str, parts: Sequence[PromptPart], count_tokens: Callable[[str], int]) -> tuple[list[PromptSpan], list[PromptPart]]:
    """``parts`` joined by PART_SEPARATOR, of which the prompt kept the end ``kept``: the
    spans of what was kept, and the parts left out whole."""
    full = PART_SEPARATOR.join(part.text for part in parts)
    offset = len(full) - len(kept)
    spans: list[PromptSpan] = []
    dropped: list[PromptPart] = []
    start = 0
    for index, part in enumerate(parts):
        end = start + len(part.text)
        if end <= offset or not kept:
            dropped.append(part)
        else:
            if spans:
                spans.append(PromptSpan("frame", PART_SEPARATOR))
            elif start > offset:  # the cut fell inside the separator before this part
                spans.append(PromptSpan("frame", full[offset:start]))
            text = full[max(start, offset) : end]
            kind = "memory" if part.kind == "memory" else "authors_note" if part.kind == "authors_note" else "entry"
            spans.append(PromptSpan(kind, text, part.label, count_tokens(text), cut=start < offset))
        start = end + len(PART_SEPARATOR) * (index < len(parts) - 1)
    return spans, dropped


def continuation_context(
    draft: str,
    *,
    memory: str = "",
    authors_note: str = "",
    lorebook: Lorebook | None = None,
    count_tokens: Callable[[str], int],
    context_tokens: int,
    budget_tokens: int,
    mode: Mode = "plain",
    note_depth: int = 3,
) -> ContinuationContext:
    """The prompt that continues ``draft`` (the text before the cursor), with the story
    bible's entries that the story calls up: :func:`app.core.lorebook.lore_context` picks
    them within the bible's share of ``context_tokens``, the ones placed before or after the
    memory go before the draft with it, those placed at the author's note go with the note
    (inside its brackets in plain mode), and :func:`build_continuation` fits the whole to
    ``budget_tokens``. The one place both the context inspector and the continuation get
    their prompt from."""
    lore = lore_context(lorebook or Lorebook(), text_before_cursor=draft, memory=memory.strip(),
                        authors_note=authors_note.strip(), count_tokens=count_tokens, context_tokens=context_tokens)
    head, with_note = split_at_note(lore.parts)
    head_text, note_text = parts_text(head), parts_text(with_note)
    built = build_continuation(draft, budget_tokens=budget_tokens, count_tokens=count_tokens, memory=head_text,
                               authors_note=note_text, mode=mode, note_depth=note_depth)
    spans: list[PromptSpan] = []
    if mode == "instruct":
        spans += [PromptSpan("frame", INSTRUCT_SYSTEM), PromptSpan("frame", "\n\n")]
    dropped: list[PromptPart] = []
    for kind, text in built.segments:
        if kind in ("memory", "note"):
            kept, lost = _part_spans(text, head if kind == "memory" else with_note, count_tokens)
            spans += kept
            dropped += lost
        elif kind == "draft":
            if text:
                spans.append(PromptSpan("draft", text, tokens=count_tokens(text)))
        else:
            spans.append(PromptSpan("frame", text))
    if not built.memory_included and head_text and not any(kind == "memory" for kind, _ in built.segments):
        dropped = list(head) + dropped
    if not built.note_included and note_text:
        dropped += with_note
    measured = built.prompt if built.prompt is not None else "".join(message.content for message in built.messages)
    return ContinuationContext(
        draft=draft, mode=mode, prompt=built, spans=tuple(spans), lore=lore, dropped=tuple(dropped),
        memory=head_text, authors_note=note_text, total_tokens=count_tokens(measured),
        budget_tokens=budget_tokens, context_tokens=context_tokens,
        lore_budget_tokens=(lorebook or Lorebook()).budget_tokens(context_tokens),
    )


def continuation_budget(context_tokens: int, max_tokens: int, instruct: bool) -> int:
    """What a continuation's prompt may take, as the engine reckons it: the context less
    room for the reply, less what a chat template adds when the draft goes through one."""
    return prompt_budget(context_tokens, max_tokens) - (TEMPLATE_ALLOWANCE if instruct else 0)


def model_token_counter(backend: object) -> Callable[[str], int]:
    """How the engine's ``backend`` counts when it fits a continuation (call it on the
    engine thread): a remote engine's ``count_tokens``, or a local model's own tokenizer
    without the BOS token."""
    count = getattr(backend, "count_tokens", None)
    if callable(count):
        return count
    model = getattr(backend, "llm", None)
    if model is None:
        raise ValueError(QT_TRANSLATE_NOOP("Writing", "No model is loaded, so the prompt's tokens cannot be counted."))
    return lambda text: len(model.tokenize(text.encode("utf-8"), add_bos=False, special=False))


@dataclass(frozen=True)
class ContinuationInput:
    """What the writer has given for a continuation, read on the GUI thread."""

    draft: str  # the text before the cursor
    memory: str = ""
    authors_note: str = ""
    lorebook: Lorebook | None = None
    mode: Mode = "plain"  # the prompt style asked for
    max_tokens: int = LENGTHS["paragraph"]


def prepare_continuation(given: ContinuationInput, backend: object, model: ModelInfo) -> ContinuationContext:
    """:func:`continuation_context` on the engine thread, with the model's tokenizer, its
    context, and the layout and budget the engine will use: a model without a chat template
    continues the text as is, and a remote engine that cannot continue plain text is asked
    (``_completions_supported``, as RemoteBackend keeps it)."""
    instruct = (given.mode == "instruct" and model.has_chat_template) or not getattr(backend, "_completions_supported", True)
    return continuation_context(
        given.draft, memory=given.memory, authors_note=given.authors_note, lorebook=given.lorebook,
        count_tokens=model_token_counter(backend), context_tokens=model.n_ctx,
        budget_tokens=continuation_budget(model.n_ctx, given.max_tokens, instruct), mode="instruct" if instruct else "plain",
    )


# --- Where an accepted continuation meets the draft ---------------------------------------

# Ends of a sentence or clause, and what may close it (quotes, brackets): after these, a
# letter begins a new word.
_CLAUSE_END = re.compile(r"[.!?,;:…][\"'”’)\]»]*\Z")
# Marks that open a quotation or an aside when a letter follows them at once. Not the
# apostrophes ' and ’, which also end words ("don" + "'t").
_OPENING = "\"“‘«(["


def _spaced_letter(char: str) -> bool:
    """A letter of a script that separates its words with spaces (not CJK)."""
    return char.isalpha() and not _CJK.match(char)


def junction_space(before: str, continuation: str) -> str:
    """The space to put between the draft (``before``: its text up to the continuation) and
    a continuation the model wrote, when the two would otherwise run two words together:
    " " or "".

    In plain mode the model's tokens carry their own spaces: a new word comes as " The",
    the end of the writer's half-typed word as "king" after "wal". An instruct model's
    reply starts afresh and never begins with a space, so "stairs" + "The story" would
    read "stairsThe story". With no space on either side, the letters decide: a space goes
    in when a capital follows a lowercase letter ("stairs" + "The"), when a letter follows
    the end of a sentence or clause ("cold." + "She", "said," + "and"), and before an
    opening quote that follows a word ("said" + "“Come"); never between two lowercase
    letters ("wal" + "king" is the writer's word being finished) and never next to CJK
    text, which has no spaces ("他走了" + "很久")."""
    if not before or not continuation:
        return ""
    last, first = before[-1], continuation[0]
    if last.isspace() or first.isspace():
        return ""
    quoted = first in _OPENING and _spaced_letter(continuation[1:2] or "0")
    if not (_spaced_letter(first) or quoted):
        return ""
    if _spaced_letter(last):
        return " " if quoted or (last.islower() and first.isupper()) else ""
    return " " if _CLAUSE_END.search(before[-8:]) else ""


def join_continuation(before: str, continuation: str) -> str:
    """The continuation as it goes into the draft after ``before``: with the space that
    :func:`junction_space` finds missing."""
    return junction_space(before, continuation) + continuation


# --- How a continuation went: measuring the prompt styles ---------------------------------

Verdict = Literal["continues", "repeats", "about", "language", "nothing"]
VERDICTS: tuple[Verdict, ...] = ("continues", "repeats", "about", "language", "nothing")

# A continuation that shares this many words (CJK: characters) in a row with the draft is
# copying it: a story carrying on does not repeat six words of itself at once.
REPEAT_NGRAM = 6

# What a model writes when it talks about the text instead of continuing it.
_ABOUT_STORY = re.compile(
    r"\b(?:the|this|that|your|my)\s+(?:\w+\s+)?(?:story|passage|text|excerpt|continuation|narrative)\b"
    r"|\bstory so far\b"
    r"|\bin this (?:passage|excerpt|chapter|scene)\b"
    r"|\bthe (?:author|reader)\b"
    r"|故事|这段|本段|这篇|本文|原文|续写|作者|读者",
    re.IGNORECASE,
)


def _units(text: str) -> list[str]:
    """The words of ``text`` for comparing texts: each CJK character on its own, other words
    casefolded; punctuation left out."""
    text = unicodedata.normalize("NFC", text)
    units: list[str] = []
    for match in re.finditer(rf"{_CJK.pattern}|{_WORD.pattern}", text):
        units.append(match.group(0).casefold())
    return units


def _ngrams(units: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(units[i : i + n]) for i in range(len(units) - n + 1)}


def repeats_draft(draft: str, continuation: str, n: int = REPEAT_NGRAM) -> bool:
    """Whether the continuation copies the draft: ``n`` words (CJK: characters) in a row
    that the draft already has."""
    written = _units(continuation)
    return bool(_ngrams(written, n) & _ngrams(_units(draft), n))


def talks_about_story(draft: str, continuation: str) -> bool:
    """Whether the continuation speaks about the text ("The story has been completed",
    "In this passage", "这个故事") with words the draft itself does not use."""
    return any(match.group(0).casefold() not in draft.casefold() for match in _ABOUT_STORY.finditer(continuation))


def _mostly_cjk(text: str) -> bool:
    cjk = len(_CJK.findall(text))
    return cjk > sum(len(word) for word in _WORD.findall(_CJK.sub(" ", text))) / 3


def switches_language(draft: str, continuation: str) -> bool:
    """Whether the continuation leaves the draft's script: English for a Chinese draft or
    the other way round (judged when both have a few words at least)."""
    if count_words(draft) < 3 or count_words(continuation) < 3:
        return False
    return _mostly_cjk(draft) != _mostly_cjk(continuation)


def judge_continuation(draft: str, continuation: str) -> Verdict:
    """How a continuation went, the first that applies: "nothing" (no words), "repeats"
    (copies the draft), "about" (talks about the text), "language" (another script than
    the draft's) or "continues"."""
    if count_words(continuation) == 0:
        return "nothing"
    if repeats_draft(draft, continuation):
        return "repeats"
    if talks_about_story(draft, continuation):
        return "about"
    if switches_language(draft, continuation):
        return "language"
    return "continues"
