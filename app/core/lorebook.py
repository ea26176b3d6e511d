"""The story bible: lorebook entries that enter the prompt when the story mentions them.

A :class:`Lorebook` holds :class:`LoreEntry` items, each with the keys that call it up (a
name and its aliases: ``玛拉, Mara, the keeper``). Continuing a draft goes through three steps,
each a pure function so that the writing desk's context inspector and the prompt builder see
exactly the same thing:

1. :func:`scan` finds the entries whose keys occur in the last ``scan_chars`` characters
   before the cursor or in the author's note (and, with recursion, in the content of entries
   already found), and says for each which key fired it and where;
2. :func:`fit` keeps the most important of them within a token budget and says why each of
   the others was left out;
3. :func:`prompt_parts` lays out memory, entries and author's note as :class:`PromptPart`
   items; the prompt text is those parts' texts joined by :data:`PART_SEPARATOR`.

:func:`lore_context` runs the three steps at once.

Matching ignores case, full-width/half-width forms and the difference between Traditional
and Simplified Chinese. Keys written in scripts without spaces between words (Chinese,
Japanese, Korean, Thai, ...) match anywhere; other keys match whole words only, so that "Al"
fires on "Al's" but not on "Also".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final, Literal, get_args

from opencc import OpenCC

from app.core.translatable import QT_TRANSLATE_NOOP, Translatable

Position = Literal["before_memory", "after_memory", "authors_note"]
POSITIONS: Final[tuple[Position, ...]] = get_args(Position)

# How secondary keys refine a primary match (SillyTavern's four "selective logic" modes):
# fire when any / all of them are found too, or when none / not all of them are.
SecondaryLogic = Literal["and_any", "and_all", "not_any", "not_all"]
SECONDARY_LOGICS: Final[tuple[SecondaryLogic, ...]] = get_args(SecondaryLogic)

Source = Literal["always_on", "draft", "authors_note", "entry"]
PartKind = Literal["memory", "entry", "authors_note"]

DEFAULT_PRIORITY: Final = 100  # SillyTavern's default insertion order, so exports keep their meaning
DEFAULT_SCAN_CHARS: Final = 2000
SCAN_CHARS_RANGE: Final = (100, 100_000)
MAX_RECURSION_DEPTH: Final = 2
DEFAULT_BUDGET_FRACTION: Final = 0.25

# Between two parts of the prompt: a blank line, as the writing prompt already separates the
# memory from the draft.
PART_SEPARATOR: Final = "\n\n"

# Keys are typed as one line of aliases, separated by ASCII or full-width commas.
_KEY_SEPARATORS = re.compile(r"[,，]")


class LorebookError(ValueError):
    """A lorebook or entry value that is not allowed; the message (a Translatable) says which
    and what is allowed."""


# --- Entries and books --------------------------------------------------------------------


def parse_keys(text: str) -> tuple[str, ...]:
    """The keys typed as one line: ``"玛拉，Mara, the keeper"`` → ``("玛拉", "Mara", "the keeper")``.
    Blank keys and exact repeats are dropped."""
    return _clean_keys(_KEY_SEPARATORS.split(text))


def keys_text(keys: Iterable[str]) -> str:
    """The keys as one line to edit (the inverse of :func:`parse_keys`)."""
    return ", ".join(keys)


def _clean_keys(keys: Iterable[str]) -> tuple[str, ...]:
    # Line breaks and runs of spaces inside a key are one space, as they are when matching.
    cleaned = (" ".join(key.split()) for key in keys)
    return tuple(dict.fromkeys(key for key in cleaned if key))


@dataclass(frozen=True)
class LoreEntry:
    """One entry of the story bible. ``keys`` may be given as a typed line (see
    :func:`parse_keys`) or as a sequence; it is kept as a tuple of cleaned keys."""

    id: int | None = None  # the store's row id; None until stored
    name: str = ""
    keys: tuple[str, ...] = ()
    content: str = ""
    enabled: bool = True
    always_on: bool = False  # enters every prompt, whatever the story mentions
    priority: int = DEFAULT_PRIORITY  # higher is more important: kept first when the budget is short
    position: Position = "after_memory"
    # Optional refinement of a match (imported from SillyTavern and Kobold Lite).
    secondary_keys: tuple[str, ...] = ()
    secondary_logic: SecondaryLogic = "and_any"

    def __post_init__(self) -> None:
        for name in ("keys", "secondary_keys"):
            keys = getattr(self, name)
            object.__setattr__(self, name, parse_keys(keys) if isinstance(keys, str) else _clean_keys(keys))
        if self.position not in POSITIONS:
            raise LorebookError(QT_TRANSLATE_NOOP("Lorebook", "unknown position {position}: expected one of {allowed}").format(
                position=repr(self.position), allowed=", ".join(POSITIONS)))
        if self.secondary_logic not in SECONDARY_LOGICS:
            raise LorebookError(QT_TRANSLATE_NOOP("Lorebook", "unknown secondary key logic {logic}: expected one of {allowed}").format(
                logic=repr(self.secondary_logic), allowed=", ".join(SECONDARY_LOGICS)))
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise LorebookError(QT_TRANSLATE_NOOP("Lorebook", "an entry's priority must be a whole number, not {value}").format(
                value=repr(self.priority)))

    @property
    def title(self) -> str:
        """What the entry is called on screen: its name, else its first key."""
        return self.name.strip() or (self.keys[0] if self.keys else "")


@dataclass(frozen=True)
class Lorebook:
    name: str = ""
    entries: tuple[LoreEntry, ...] = ()
    scan_chars: int = DEFAULT_SCAN_CHARS  # how far before the cursor keys are looked for
    recursion_depth: int = 0  # 0: only the draft and the note fire entries; 1–2: entries fire entries
    budget_fraction: float = DEFAULT_BUDGET_FRACTION  # of the model's context, for the entries

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))
        low, high = SCAN_CHARS_RANGE
        if isinstance(self.scan_chars, bool) or not isinstance(self.scan_chars, int) or not low <= self.scan_chars <= high:
            raise LorebookError(QT_TRANSLATE_NOOP("Lorebook", "the scanned text must be {low} to {high} characters, not {value}").format(
                low=f"{low:,}", high=f"{high:,}", value=repr(self.scan_chars)))
        if type(self.recursion_depth) is not int or not 0 <= self.recursion_depth <= MAX_RECURSION_DEPTH:
            raise LorebookError(QT_TRANSLATE_NOOP("Lorebook", "the recursion depth must be 0 to {most}, not {value}").format(
                most=MAX_RECURSION_DEPTH, value=repr(self.recursion_depth)))
        if isinstance(self.budget_fraction, bool) or not isinstance(self.budget_fraction, (int, float)) \
                or not 0 < self.budget_fraction <= 1:
            raise LorebookError(QT_TRANSLATE_NOOP("Lorebook", "the story bible's share of the context must be more than 0 and at most 1, not {value}").format(
                value=repr(self.budget_fraction)))

    def budget_tokens(self, context_tokens: int) -> int:
        """The tokens the entries may take in a prompt of ``context_tokens``."""
        return max(0, int(context_tokens * self.budget_fraction))


# --- Matching -----------------------------------------------------------------------------

# Scripts written without spaces between words: a key in them matches anywhere in the text.
_NO_SPACE_RANGES = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u1100-\u11ff"  # hangul jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3130-\u318f"  # hangul compatibility jamo
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK unified ideographs extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # hangul jamo extended A
    "\uac00-\ud7ff"  # hangul syllables, jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # halfwidth katakana
    "\U00020000-\U000323af"  # CJK extensions B to H
)
_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACE_RANGES}]")
# A letter or digit of a script that separates words with spaces: what may not touch a Latin
# key for it to be a whole word. Chinese characters may: "我见到Mara了" mentions Mara.
_SPACED_WORD_CHAR = f"[^\\W{_NO_SPACE_RANGES}]"
_SPACED_WORD_START = re.compile(_SPACED_WORD_CHAR)
_LEADING_WORD_PART = re.compile(f"{_SPACED_WORD_CHAR}+")
_HAN = re.compile("[\u2e80-\u2fdf\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")


@cache
def _simplified() -> OpenCC:
    """The Traditional → Simplified converter (its dictionaries load once)."""
    return OpenCC("t2s")


def normalise(text: str) -> str:
    """The form both text and keys are compared in: NFKC (full-width letters and digits become
    ASCII, half-width katakana full-width), case folded, Traditional Chinese as Simplified."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _simplified().convert(text) if _HAN.search(text) else text


@dataclass(frozen=True)
class _KeyMatcher:
    """Finds one normalised key in normalised text."""

    pattern: re.Pattern[str]
    # A Latin key must not touch a letter or digit on the side where it starts or ends with
    # one. Checked here rather than with lookarounds: a lookaround with that character class
    # takes milliseconds to compile, for every key.
    whole_word_start: bool
    whole_word_end: bool

    def ends(self, text: str) -> Iterator[int]:
        """Where each mention ends, from the start of ``text``."""
        position = 0
        while match := self.pattern.search(text, position):
            start, end = match.span()
            if not (self.whole_word_start and start > 0 and _SPACED_WORD_START.match(text, start - 1)) \
                    and not (self.whole_word_end and _SPACED_WORD_START.match(text, end)):
                yield end
                position = end
            else:
                position = start + 1  # a rejected match may overlap a good one

    def found(self, text: str) -> bool:
        return next(self.ends(text), None) is not None


@lru_cache(maxsize=4096)
def _matcher(key: str) -> _KeyMatcher | None:
    folded = normalise(key).strip()
    if not folded:
        return None
    pattern = re.compile(r"\s+".join(re.escape(part) for part in folded.split()))  # a line break matches a space
    if _NO_SPACE_CHAR.search(folded):
        return _KeyMatcher(pattern, False, False)
    return _KeyMatcher(pattern, bool(_SPACED_WORD_START.match(folded[0])), bool(_SPACED_WORD_START.match(folded[-1])))


def key_matches(key: str, text: str) -> bool:
    """Whether ``key`` occurs in ``text`` as :func:`scan` would find it (both raw)."""
    matcher = _matcher(key)
    return matcher is not None and matcher.found(normalise(text))


def scan_window(text_before_cursor: str, chars: int) -> str:
    """The last ``chars`` characters before the cursor, less a word cut in two at the start
    (its tail is not a word the writer wrote: "Alison" cut to "son")."""
    if len(text_before_cursor) <= chars:
        return text_before_cursor
    window = text_before_cursor[-chars:]
    if _SPACED_WORD_START.match(text_before_cursor[-chars - 1]):
        cut = _LEADING_WORD_PART.match(window)
        if cut:
            window = window[cut.end():]
    return window


def _found_in_any(key: str, texts: Sequence[str]) -> bool:
    matcher = _matcher(key)
    return matcher is not None and any(matcher.found(text) for text in texts)


def _secondary_allows(entry: LoreEntry, scanned: Sequence[str]) -> bool:
    if not entry.secondary_keys:
        return True
    found = [_found_in_any(key, scanned) for key in entry.secondary_keys]
    return {
        "and_any": any(found),
        "and_all": all(found),
        "not_any": not any(found),
        "not_all": not all(found),
    }[entry.secondary_logic]


# --- Scanning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    """An entry that enters the prompt, and why."""

    entry: LoreEntry
    source: Source
    key: str | None = None  # the entry's key as written that fired it; None when always on
    via: LoreEntry | None = None  # source "entry": the entry whose content holds the key
    depth: int = 0  # recursion step that found it: 0 for the draft, the note and always-on entries

    @property
    def reason(self) -> Translatable:
        """Why the entry is in the prompt, for the context inspector."""
        if self.source == "always_on":
            return QT_TRANSLATE_NOOP("Lorebook", "always on")
        if self.source == "draft":
            return QT_TRANSLATE_NOOP("Lorebook", "“{key}” in the draft").format(key=self.key)
        if self.source == "authors_note":
            return QT_TRANSLATE_NOOP("Lorebook", "“{key}” in the author's note").format(key=self.key)
        return QT_TRANSLATE_NOOP("Lorebook", "“{key}” in the entry “{entry}” (depth {depth})").format(
            key=self.key, entry=self.via.title if self.via else "", depth=self.depth)


def scan(lorebook: Lorebook, text_before_cursor: str, authors_note: str = "") -> list[Activation]:
    """The enabled entries the story calls up, each once, in this order (the order :func:`fit`
    keeps between entries of equal priority):

    - entries that are always on, in the book's order;
    - entries whose key is in the draft's last ``scan_chars`` characters, the one mentioned
      nearest the cursor first; then those found only in the author's note, in the book's order;
    - with recursion, entries whose key is in the content of the entries of the step before,
      step by step up to ``recursion_depth``.

    An entry with secondary keys fires only when they agree (see :data:`SecondaryLogic`),
    looked for in everything scanned so far. Entries without content are skipped: they would
    add nothing."""
    draft = normalise(scan_window(text_before_cursor, lorebook.scan_chars))
    note = normalise(authors_note)
    scanned = [draft, note]
    waiting = {index: entry for index, entry in enumerate(lorebook.entries) if entry.enabled and entry.content.strip()}

    always = []
    for index, entry in list(waiting.items()):
        if entry.always_on:
            always.append(Activation(entry, "always_on"))
            del waiting[index]
    in_draft: list[tuple[int, Activation]] = []
    in_note: list[Activation] = []
    for index, entry in list(waiting.items()):
        nearest = _nearest_key(entry, draft)
        if nearest is not None:
            end, key = nearest
            if _secondary_allows(entry, scanned):
                in_draft.append((end, Activation(entry, "draft", key)))
                del waiting[index]
            continue
        key = _first_key_in(entry, note)
        if key is not None and _secondary_allows(entry, scanned):
            in_note.append(Activation(entry, "authors_note", key))
            del waiting[index]
    in_draft.sort(key=lambda found: -found[0])  # stable: equal ends keep the book's order
    activations = always + [activation for _, activation in in_draft] + in_note

    previous_step = activations
    for depth in range(1, lorebook.recursion_depth + 1):
        sources = [(activation.entry, normalise(activation.entry.content)) for activation in previous_step]
        scanned += [content for _, content in sources]
        step = []
        for index, entry in list(waiting.items()):
            for source, content in sources:
                key = _first_key_in(entry, content)
                if key is not None and _secondary_allows(entry, scanned):
                    step.append(Activation(entry, "entry", key, via=source, depth=depth))
                    del waiting[index]
                    break
        if not step:
            break
        activations += step
        previous_step = step
    return activations


def _first_key_in(entry: LoreEntry, text: str) -> str | None:
    for key in entry.keys:
        matcher = _matcher(key)
        if matcher is not None and matcher.found(text):
            return key
    return None


def _nearest_key(entry: LoreEntry, text: str) -> tuple[int, str] | None:
    """The key mentioned nearest the end of ``text`` (the cursor), and where that mention ends."""
    nearest = None
    for key in entry.keys:
        matcher = _matcher(key)
        end = max(matcher.ends(text), default=None) if matcher is not None else None
        if end is not None and (nearest is None or end > nearest[0]):
            nearest = (end, key)
    return nearest


# --- The budget ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LeftOut:
    activation: Activation
    tokens: int  # what its content would have taken
    reason: Translatable


def fit(
    activations: Sequence[Activation], count_tokens: Callable[[str], int], budget_tokens: int
) -> tuple[list[Activation], list[LeftOut]]:
    """The activations whose contents fit in ``budget_tokens``, taken by priority (higher
    first; equal priorities in the order given), and those left out with the reason. A
    lower-priority entry small enough for the room that is left is still kept.

    An entry found in another entry's content (recursion) ranks no higher than that entry,
    and is left out with it: without the entry that mentions it, it has no reason to be there.

    Each entry costs ``count_tokens(content)``; the separators between parts are not counted
    (the prompt builder measures the whole prompt anyway). Both lists keep the order given."""
    index_of = {id(activation.entry): index for index, activation in enumerate(activations)}
    rank: list[int] = []  # effective priority; a parent always comes before its children
    for activation in activations:
        parent = index_of.get(id(activation.via)) if activation.via is not None else None
        own = activation.entry.priority
        rank.append(min(own, rank[parent]) if parent is not None and parent < len(rank) else own)
    used = 0
    kept: set[int] = set()
    left_out: dict[int, LeftOut] = {}
    for index in sorted(range(len(activations)), key=lambda index: -rank[index]):
        activation = activations[index]
        tokens = count_tokens(activation.entry.content.strip())
        parent = index_of.get(id(activation.via)) if activation.via is not None else None
        if parent is not None and parent in left_out:
            reason = QT_TRANSLATE_NOOP("Lorebook", "left out: the entry “{entry}” that mentions it was left out").format(
                entry=activation.via.title)
        elif used + tokens <= budget_tokens:
            kept.add(index)
            used += tokens
            continue
        elif tokens > budget_tokens:
            reason = QT_TRANSLATE_NOOP(
                "Lorebook", "left out: at {tokens} tokens it is longer than the story bible's whole budget of {budget} tokens")
        elif any(rank[other] > rank[index] for other in kept):
            reason = QT_TRANSLATE_NOOP(
                "Lorebook", "left out: the story bible's budget of {budget} tokens was used by higher-priority entries")
        else:
            reason = QT_TRANSLATE_NOOP(
                "Lorebook", "left out: the story bible's budget of {budget} tokens was used by entries of the same priority found before it")
        left_out[index] = LeftOut(activation, tokens, reason.format(tokens=tokens, budget=budget_tokens))
    return [activations[index] for index in sorted(kept)], [left_out[index] for index in sorted(left_out)]


# --- The parts of the prompt --------------------------------------------------------------


@dataclass(frozen=True)
class PromptPart:
    """One piece of what goes before the draft, as the context inspector shows it."""

    kind: PartKind
    label: Translatable  # "Memory", "Author's note", or the entry's title and why it is in
    text: str  # exactly what the prompt holds
    # Goes with the author's note, wherever the prompt places the note (see split_at_note).
    with_note: bool = False


def entry_label(activation: Activation) -> Translatable:
    """The entry as the context inspector names it, e.g. Mara: “the keeper” in the draft."""
    title = activation.entry.title or QT_TRANSLATE_NOOP("Lorebook", "untitled entry")
    return QT_TRANSLATE_NOOP("Lorebook", "{entry}: {reason}").format(entry=title, reason=activation.reason)


def prompt_parts(memory: str, kept: Sequence[Activation], authors_note: str = "") -> list[PromptPart]:
    """Memory, entries and author's note in prompt order:

    entries placed "before_memory", the memory, entries "after_memory", entries
    "authors_note", the author's note.

    Within each place the more important entries come later, nearer the draft, where they
    weigh more (as in SillyTavern); equal priorities keep the order of ``kept``. Blank memory
    and note give no part; texts are stripped and otherwise used as given, so a prompt that
    wraps the note ("[Author's note: …]") passes it wrapped and the inspector shows it so."""
    def entries_at(position: Position) -> list[PromptPart]:
        placed = [activation for activation in kept if activation.entry.position == position]
        placed.sort(key=lambda activation: activation.entry.priority)
        return [PromptPart("entry", entry_label(activation), activation.entry.content.strip(), position == "authors_note")
                for activation in placed]

    parts = entries_at("before_memory")
    if memory.strip():
        parts.append(PromptPart("memory", QT_TRANSLATE_NOOP("Lorebook", "Memory"), memory.strip()))
    parts += entries_at("after_memory") + entries_at("authors_note")
    if authors_note.strip():
        parts.append(PromptPart("authors_note", QT_TRANSLATE_NOOP("Lorebook", "Author's note"), authors_note.strip(), True))
    return parts


def parts_text(parts: Sequence[PromptPart]) -> str:
    """The prompt text of ``parts``: their texts joined by :data:`PART_SEPARATOR`."""
    return PART_SEPARATOR.join(part.text for part in parts)


def split_at_note(parts: Sequence[PromptPart]) -> tuple[list[PromptPart], list[PromptPart]]:
    """The parts that open the prompt, and those that travel with the author's note (which
    the writing prompt places a few paragraphs before the cursor). They always come in this
    order in :func:`prompt_parts`, so ``head + note`` is the whole list."""
    return [part for part in parts if not part.with_note], [part for part in parts if part.with_note]


# --- All at once --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoreContext:
    activations: list[Activation]  # everything the story called up (scan)
    kept: list[Activation]  # what fits the budget (fit)
    left_out: list[LeftOut]
    parts: list[PromptPart]  # memory, kept entries and note in prompt order (prompt_parts)

    @property
    def text(self) -> str:
        return parts_text(self.parts)


def lore_context(
    lorebook: Lorebook,
    *,
    text_before_cursor: str,
    memory: str = "",
    authors_note: str = "",
    count_tokens: Callable[[str], int],
    context_tokens: int,
) -> LoreContext:
    """Scan, fit within the book's share of ``context_tokens``, and lay out the parts."""
    activations = scan(lorebook, text_before_cursor, authors_note)
    kept, left_out = fit(activations, count_tokens, lorebook.budget_tokens(context_tokens))
    return LoreContext(activations, kept, left_out, prompt_parts(memory, kept, authors_note))
