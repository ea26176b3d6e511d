"""Chat prompts from the Jinja chat template a GGUF file carries, with a plain fallback.

A template comes inside the model file, from whoever made the file: it is code. It runs in
Jinja's sandbox (no private attributes, no changes to our data) and, on top of that, within a
size and a time limit (see :class:`_BoundedEnvironment`), so that ``{{ 'A' * 2000000000 }}`` or
a loop of 10¹⁰ turns ends in a second with the plain format and a note saying why, instead of
taking all the memory or the engine thread for good.
"""

from __future__ import annotations

import functools
import math
import re
import string
import threading
import time
import types
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, pass_context

from app.core.generation import ChatMessage
from app.core.translatable import QT_TRANSLATE_NOOP


class ChatTemplateError(ValueError):
    pass


@dataclass(frozen=True)
class ChatPrompt:
    text: str
    stop: tuple[str, ...]  # extra stop strings the format needs
    uses_fallback: bool  # True when the model has no (usable) template of its own
    # Why the model's own template was not used, for the person (Translatable); None when it
    # was used, or when the model has none (the interface says that once, when it loads).
    note: str | None = None


# Used for base models and templates that fail to render: simple role labels the model can
# follow, with the next label as a stop string so it does not write the user's turn itself.
_FALLBACK_LABELS = {"system": "System", "user": "User", "assistant": "Assistant"}
FALLBACK_STOPS = ("\nUser:", "\nSystem:")


def _raise_exception(message: str) -> None:
    raise ChatTemplateError(message)


# -- limits ----------------------------------------------------------------------------------

# How long one rendering may take. A real template renders in milliseconds.
RENDER_SECONDS = 2.0
# How much text one rendering may write: the conversation itself (a template may repeat it a
# few times) plus room for the template's own text. Real prompts are the conversation plus a
# few kilobytes.
_BASE_CHARS = 8 * 1024 * 1024
_CHARS_PER_INPUT_CHAR = 4
# Everything written anywhere (macros, {% set %} blocks, ~ concatenations) may add up to a few
# times the prompt: a macro's text is counted where it is made and again where it is written.
_WRITTEN_FACTOR = 4
# Lists made by * and +; whole numbers made by *, ** (10 ** 10 ** 10 would take hours).
_MAX_ITEMS = 1_000_000
_MAX_INT_BITS = 1 << 16
# A reason from the template itself (raise_exception) is shown as it is, up to this long.
_MAX_REASON = 300

_LOOP_GUARD = "inkwell loop guard"  # filter names no template can write (they hold spaces)
_PART_GUARD = "inkwell concatenation guard"

_TOO_MUCH_TEXT = QT_TRANSLATE_NOOP("ChatTemplate", "it would write more text than any prompt needs")
_FALLBACK_NOTE = QT_TRANSLATE_NOOP(
    "ChatTemplate", "The model's chat template could not be used ({reason}), so Inkwell uses a plain "
    "“User: / Assistant:” format. Replies may be less focused.")


class _TemplateLimit(Exception):
    """A template went past a limit; ``reason`` says which, for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Budget(threading.local):
    """The limits of the rendering in progress on this thread (the engine thread renders, and so
    may a test or the CLI on another)."""

    deadline = math.inf
    max_chars = _BASE_CHARS
    written = 0


_budget = _Budget()


def _tick() -> None:
    if time.monotonic() > _budget.deadline:
        raise _TemplateLimit(QT_TRANSLATE_NOOP("ChatTemplate", "it took longer than {seconds} seconds").format(
            seconds=f"{RENDER_SECONDS:g}"))


def _allow(chars: int) -> None:
    """Refuse, before it is made, a text of ``chars`` characters that no prompt needs."""
    if chars > _budget.max_chars:
        raise _TemplateLimit(_TOO_MUCH_TEXT)


def _checked(value: object) -> object:
    if isinstance(value, str):
        _allow(len(value))
    elif isinstance(value, (list, tuple)) and len(value) > _MAX_ITEMS:
        raise _TemplateLimit(_TOO_MUCH_TEXT)
    return value


def _weight(value: object) -> int:
    """About how many characters ``str(value)`` writes; counting stops past the limit, so this
    costs little even for a list that holds one long text a million times."""
    limit, total, steps, stack = _budget.max_chars, 0, 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            total += 8
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, (range, jinja2.Undefined)):
            total += 24
        elif isinstance(item, Namespace):  # its repr shows what it holds
            total += 16
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, Mapping):
            total += 2 + 6 * len(item)  # quotes, ": " and ", "
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, (bytes, bytearray)):
            total += 4 * len(item)
        elif isinstance(item, Collection):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item)
        else:
            total += 32  # a macro, a loop, a cycler: a short repr
        if total > limit:
            return total
        steps += 1
        if not steps & 0xFFF:
            _tick()
    return total


# -- what a template may ask for --------------------------------------------------------------

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_NUMBER = re.compile(r"\d+")


def _number(digits: str) -> int:
    if len(digits) > 12:  # int() of 5,000 digits fails, and no width needs more than 12
        raise _TemplateLimit(_TOO_MUCH_TEXT)
    return int(digits)


def _widest_int(values: list[object]) -> int:
    return max((abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool)), default=0)


def _check_percent(fmt: str, args: object) -> None:
    """``fmt % args``: each conversion writes at most its width or the widest value."""
    values = list(args.values()) if isinstance(args, Mapping) else list(args) if isinstance(args, tuple) else [args]
    widest = max((_weight(v) for v in values), default=0)
    total = len(fmt)
    for match in _PERCENT_SPEC.finditer(fmt):
        total += widest
        for number in match.groups():
            if number == "*":
                total += _widest_int(values)
            elif number:
                total += _number(number)
    _allow(total)


def _check_format(fmt: str, values: list[object]) -> None:
    """``fmt.format(...)``, likewise; a width given as {w} counts as the biggest number passed."""
    widest = max((_weight(v) for v in values), default=0)
    total = len(fmt)
    for _, field, spec, _ in string.Formatter().parse(fmt):
        if field is None:
            continue
        total += widest
        if spec:
            total += sum(_number(n) for n in _NUMBER.findall(spec))
            if "{" in spec:
                total += _widest_int(values)
    _allow(total)


def _check_replace(text: str, old: object, new: object, count: object = -1) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count is not None and count >= 0:
        times = min(times, count)
    _allow(len(text) + times * max(len(new) - len(old), 0))


def _check_join(items: list[object], separator: object) -> None:
    _allow(sum(_weight(item) for item in items) + _weight(separator) * max(len(items) - 1, 0))


def _check_str_method(text: str, name: str, args: tuple, kwargs: dict) -> tuple:
    """Before a text's method runs: the size of what it makes. Returns the arguments to call it
    with (an iterable to join is read once, here)."""
    first = args[0] if args else None
    if name in ("center", "ljust", "rjust", "zfill"):
        width = kwargs.get("width", first)
        if isinstance(width, int):
            _allow(width)
    elif name == "expandtabs":
        size = kwargs.get("tabsize", 8 if first is None else first)
        if isinstance(size, int):
            _allow(len(text) + text.count("\t") * max(size, 0))
    elif name == "replace" and len(args) >= 2:
        _check_replace(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
    elif name == "join" and args:
        items = list(args[0])
        _check_join(items, text)
        return (items, *args[1:])
    elif name == "translate" and isinstance(first, Mapping):
        _allow(len(text) * max((_weight(v) for v in first.values()), default=1))
    return args


def _value_and_rest(function: object, args: tuple) -> tuple[object, tuple]:
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0  # context, eval_ctx or env
    return (args[skip] if len(args) > skip else None), args[skip + 1 :]


def _argument(rest: tuple, kwargs: dict, index: int, name: str, default: object) -> object:
    return rest[index] if len(rest) > index else kwargs.get(name, default)


# Filters whose text is about as long as their input's, times this.
_STRINGIFYING = {
    "capitalize": 1, "lower": 1, "upper": 2, "title": 1, "trim": 1, "striptags": 1, "string": 1,
    "safe": 1, "truncate": 1, "wordcount": 1, "list": 1, "reverse": 1, "e": 6, "escape": 6,
    "forceescape": 6, "xmlattr": 6, "pprint": 2, "urlencode": 12, "urlize": 12,
}


def _check_filter(name: str, function: object, args: tuple, kwargs: dict) -> tuple:
    """Before a filter runs: the size of what it makes. Returns the arguments to call it with."""
    value, rest = _value_and_rest(function, args)
    if name in _STRINGIFYING:
        _allow(_weight(value) * _STRINGIFYING[name])
    elif name == "center":
        width = _argument(rest, kwargs, 0, "width", 80)
        _allow(_weight(value) + (width if isinstance(width, int) else 0))
    elif name == "indent":
        width = _argument(rest, kwargs, 0, "width", 4)
        text = value if isinstance(value, str) else ""
        _allow(_weight(value) + (text.count("\n") + 1) * (width if isinstance(width, int) else _weight(width)))
    elif name == "wordwrap":
        text = value if isinstance(value, str) else ""
        width = _argument(rest, kwargs, 0, "width", 79)
        wrap = _argument(rest, kwargs, 2, "wrapstring", None)
        lines = text.count(" ") + text.count("\n") + len(text) // max(width if isinstance(width, int) else 1, 1) + 1
        _allow(_weight(value) + lines * (_weight(wrap) if wrap is not None else 1))
    elif name == "replace" and len(rest) >= 2:
        _check_replace(value, rest[0], rest[1], _argument(rest, kwargs, 2, "count", None))
    elif name == "format":
        _check_percent(str(value) if isinstance(value, str) else "", kwargs or rest)
    elif name == "join":
        items = list(value) if isinstance(value, Collection) or hasattr(value, "__iter__") else []
        _check_join(items, _argument(rest, kwargs, 0, "d", ""))
        skip = len(args) - len(rest) - 1
        return (*args[:skip], items, *rest)
    elif name == "tojson":
        indent = _argument(rest, kwargs, 0, "indent", None)
        width = indent if isinstance(indent, int) else _weight(indent) if indent is not None else 0
        if width > 64:
            raise _TemplateLimit(_TOO_MUCH_TEXT)
        _allow(_weight(value) * (2 + width))
    elif name == "sum":
        items = list(value) if hasattr(value, "__iter__") else []
        start = _argument(rest, kwargs, 1, "start", 0)
        if not isinstance(start, (int, float)) or any(isinstance(item, (str, Collection)) for item in items):
            _allow(sum(_weight(item) for item in items) + _weight(start))
        skip = len(args) - len(rest) - 1
        return (*args[:skip], items, *rest)
    elif name in ("batch", "slice"):
        count = _argument(rest, kwargs, 0, "linecount" if name == "batch" else "slices", 0)
        if isinstance(count, int) and count > _MAX_ITEMS:
            raise _TemplateLimit(_TOO_MUCH_TEXT)
    return args


def _guarded_filter(name: str, function):
    @functools.wraps(function)  # keeps jinja_pass_arg: Jinja passes the context as before
    def guarded(*args, **kwargs):
        _tick()
        args = _check_filter(name, function, args, kwargs)
        return _checked(function(*args, **kwargs))

    return guarded


@pass_context  # never evaluated while compiling: every piece is counted when it is written
def _count_written(_context, value: object) -> object:
    """Every ``{{ }}`` and every piece of the template's own text passes here (the environment's
    ``finalize``), in the template, its macros and its blocks alike."""
    _tick()
    _count(value)
    return value


def _count(value: object) -> None:
    weight = _weight(value)
    _allow(weight)  # _weight stops counting past the limit: one value that far is too much by itself
    _budget.written += weight
    if _budget.written > _WRITTEN_FACTOR * _budget.max_chars:
        raise _TemplateLimit(_TOO_MUCH_TEXT)


@pass_context
def _guard_loop(_context, iterable):
    """Wraps what every ``{% for %}`` loops over: loops that write nothing and call nothing
    (``{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}``) still meet the deadline."""
    _tick()
    for item in iterable:
        _tick()
        yield item


@pass_context
def _guard_part(_context, value: object) -> object:
    """Wraps each part of a ``~`` concatenation, which Jinja joins without asking the sandbox."""
    _tick()
    _count(value)
    return value


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, with a size limit on what a template makes and a deadline.

    Sizes are checked *before* a text is made wherever the template can ask for a big one:
    operators (``'A' * n``, ``+``, ``**``, ``%``), the string methods and filters that grow
    their input (``center``, ``replace``, ``join``, ``format``, ...), everything written (the
    environment's ``finalize``) and every part of a ``~``. The deadline is checked at each of
    those, at every call, attribute and loop turn. ``lipsum`` is gone: no chat template needs
    paragraphs of Latin, and it makes as many as it is asked for."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self) -> None:
        super().__init__(trim_blocks=True, lstrip_blocks=True, finalize=_count_written)
        self.globals.pop("lipsum", None)
        self.globals["raise_exception"] = _raise_exception
        self.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
        self.filters = {name: _guarded_filter(name, function) for name, function in self.filters.items()}
        self.filters[_LOOP_GUARD] = _guard_loop
        self.filters[_PART_GUARD] = _guard_part

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_GUARD, [], [], None, None, lineno=loop.iter.lineno)
        for concat in tree.find_all(nodes.Concat):
            concat.nodes = [nodes.Filter(part, _PART_GUARD, [], [], None, None, lineno=part.lineno)
                            for part in concat.nodes]
        for output in tree.find_all(nodes.Output):
            # The template's own text as constants, so that it passes finalize too: a loop in a
            # macro repeats it without a {{ }} (TemplateData is joined at compile time).
            output.nodes = [nodes.Const(child.data, lineno=child.lineno) if isinstance(child, nodes.TemplateData)
                            else child for child in output.nodes]
        return tree

    def call_binop(self, context, operator: str, left, right):
        _tick()
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
                    _allow(len(sequence) * max(times, 0))
                    if not isinstance(sequence, str) and len(sequence) * max(times, 0) > _MAX_ITEMS:
                        raise _TemplateLimit(_TOO_MUCH_TEXT)
                    break
            else:
                if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > _MAX_INT_BITS:
                    raise _TemplateLimit(_TOO_MUCH_TEXT)
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                _allow(len(left) + len(right))
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
                if right > _MAX_INT_BITS or right * left.bit_length() > _MAX_INT_BITS:
                    raise _TemplateLimit(_TOO_MUCH_TEXT)
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return _checked(self.binop_table[operator](left, right))

    def call(self, context, obj, /, *args, **kwargs):  # positional-only: a template may pass obj=
        _tick()
        if isinstance(obj, types.BuiltinMethodType) and isinstance(getattr(obj, "__self__", None), str):
            args = _check_str_method(obj.__self__, obj.__name__, args, kwargs)
        return _checked(super().call(context, obj, *args, **kwargs))

    def getattr(self, obj, attribute):
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        _tick()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value):
        sandboxed = super().wrap_str_format(value)
        if sandboxed is None:
            return None
        fmt, is_map = value.__self__, value.__name__ == "format_map"

        def bounded(*args, **kwargs):
            _tick()
            values = list(args) + list(kwargs.values())
            if is_map and len(args) == 1 and isinstance(args[0], Mapping):
                values = list(args[0].values())
            _check_format(fmt, values)
            return _checked(sandboxed(*args, **kwargs))

        return bounded


@lru_cache(maxsize=1)
def _environment() -> _BoundedEnvironment:
    return _BoundedEnvironment()


@lru_cache(maxsize=8)
def _compile(template: str) -> jinja2.Template:
    return _environment().from_string(template)


def _render(template: str, messages: Sequence[ChatMessage], bos_token: str, eos_token: str) -> str:
    """The template's text for ``messages``, within the limits; _TemplateLimit past them, and
    whatever the template raises otherwise."""
    _budget.max_chars = _BASE_CHARS + _CHARS_PER_INPUT_CHAR * (
        sum(len(m.content) for m in messages) + len(bos_token) + len(eos_token))
    _budget.written = 0
    _budget.deadline = time.monotonic() + RENDER_SECONDS
    try:
        compiled = _compile(template)  # constant parts are evaluated here: within the limits too
        pieces: list[str] = []
        size = 0
        for piece in compiled.generate(
            messages=[{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=True,
            bos_token=bos_token,
            eos_token=eos_token,
        ):
            size += len(piece)
            _allow(size)
            _tick()
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _budget.deadline = math.inf
        _budget.written = 0


# Templates that went past a limit or do not parse, with the reason: not tried again for every
# candidate prompt that fit_messages measures (each would cost the whole deadline, or a parse).
_over_limit: dict[str, str] = {}
_MAX_REMEMBERED = 8


def _remember(template: str, reason: str) -> None:
    if len(_over_limit) >= _MAX_REMEMBERED:
        _over_limit.pop(next(iter(_over_limit)), None)
    _over_limit[template] = reason


def _reason_of(error: BaseException) -> str:
    """What went wrong, in the template's (or Jinja's) own words: those are not ours to translate."""
    reason = str(error).strip() or type(error).__name__
    return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 1] + "…"


def render_fallback(messages: Sequence[ChatMessage]) -> str:
    lines = [f"{_FALLBACK_LABELS[m.role]}: {m.content.strip()}" for m in messages]
    lines.append("Assistant:")
    return "\n".join(lines)


def render_chat(
    messages: Sequence[ChatMessage],
    template: str | None,
    *,
    bos_token: str = "",
    eos_token: str = "",
) -> ChatPrompt:
    """The prompt for the next assistant turn. Templates that reject the conversation (some
    refuse a system message) get it merged into the first user message; a template that
    still fails to render, or goes past the size or time limit, falls back to plain labels
    rather than failing the request, and the prompt's ``note`` says why. Never raises for
    anything the template does."""
    if not template:
        return ChatPrompt(text=render_fallback(messages), stop=FALLBACK_STOPS, uses_fallback=True)
    reason = _over_limit.get(template)
    if reason is None:
        attempts = [list(messages)]
        if messages and messages[0].role == "system":
            attempts.append(_merge_system_into_first_user(messages))
        for attempt in attempts:
            try:
                text = _render(template, attempt, bos_token, eos_token)
            except _TemplateLimit as limit:
                reason = limit.reason
                _remember(template, reason)
                break  # merging the system message will not make it smaller or faster
            except jinja2.TemplateSyntaxError as error:  # whatever the conversation: not worth parsing again
                reason = _reason_of(error)
                _remember(template, reason)
                break
            except Exception as error:  # noqa: BLE001 - a template is code from the model file: whatever it raises
                reason = _reason_of(error)  # (SecurityError, ZeroDivisionError, RecursionError, ...) is its failure
                continue
            return ChatPrompt(text=text, stop=(), uses_fallback=False)
    return ChatPrompt(text=render_fallback(messages), stop=FALLBACK_STOPS, uses_fallback=True,
                      note=_FALLBACK_NOTE.format(reason=reason))


def check_template(template: str | None, *, bos_token: str = "", eos_token: str = "") -> str | None:
    """Why the model's chat template cannot be used (the note render_chat would give), or None
    when it renders a short conversation, or when there is none. Meant for when a model is
    loaded, so that the person learns it once rather than from a changed reply."""
    sample = [ChatMessage("system", "You are helpful."), ChatMessage("user", "Hello."),
              ChatMessage("assistant", "Hello! How can I help?"), ChatMessage("user", "Tell me a joke.")]
    return render_chat(sample, template, bos_token=bos_token, eos_token=eos_token).note if template else None


def _merge_system_into_first_user(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    system, rest = messages[0], list(messages[1:])
    for index, message in enumerate(rest):
        if message.role == "user":
            rest[index] = ChatMessage("user", f"{system.content}\n\n{message.content}")
            return rest
    return [ChatMessage("user", system.content), *rest]


def fit_messages(
    messages: Sequence[ChatMessage],
    count_tokens,
    budget: int,
) -> tuple[list[ChatMessage], int]:
    """Keeps the system prompt and the newest messages whose prompt fits ``budget`` tokens,
    leaving out the oldest turns first. ``count_tokens(messages)`` measures a candidate
    prompt. Returns the kept messages and how many were left out. The newest message is
    always kept, even when it alone is too long (the caller reports that)."""
    system = [m for m in messages[:1] if m.role == "system"]
    turns = list(messages[len(system) :])
    dropped = 0
    while len(turns) > 1 and count_tokens(system + turns) > budget:
        turns.pop(0)
        dropped += 1
    # A conversation should not open with a stray assistant reply after the cut.
    while len(turns) > 1 and turns[0].role == "assistant" and dropped:
        turns.pop(0)
        dropped += 1
    return system + turns, dropped
