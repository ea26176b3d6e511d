"""A chat template comes with the model file, from whoever made it: rendering one must not take
all the memory or all the time, and whatever makes it unusable falls back to the plain format
with a note saying why (never silently, never with an exception)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.core import chat_template
from app.core.chat_template import FALLBACK_STOPS, check_template, render_chat
from app.core.generation import ChatMessage

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")]
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Rendered in a child process whose address space is capped, so that a template that escapes
# the limits fails this test (MemoryError, or the time-out) instead of swapping the machine.
_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from app.core import chat_template
    from app.core.generation import ChatMessage
    chat_template.RENDER_SECONDS = float(sys.argv[2])
    start = time.monotonic()
    prompt = chat_template.render_chat(
        [ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")], sys.argv[1])
    print(json.dumps({"fallback": prompt.uses_fallback, "note": getattr(prompt, "note", None),
                      "seconds": time.monotonic() - start, "text": prompt.text[:200]}))
""")


def render_in_child(template: str, seconds: float = 2.0, memory: int = 1 << 30, timeout: float = 30) -> dict:
    resource = pytest.importorskip("resource")  # POSIX only
    del resource
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, template, str(seconds), str(memory)], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"rendering {template[:60]!r} ran for {timeout} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


HOSTILE = {
    "string times two billion": "{{ 'A' * 2000000000 }}",
    "loop of a billion": "{% for i in range(10**9) %}x{% endfor %}",
    "nested loops that write": "{% for a in range(100000) %}{% for b in range(100000) %}xxxxxxxx{% endfor %}{% endfor %}",
    "a macro that writes a lot": "{% set s = 'A' * 1000000 %}{% macro f() %}{% for i in range(100000) %}{{ s }}{% endfor %}"
                                 "{% endmacro %}{{ f()|length }}",
    "literal text in a macro loop": "{% macro f() %}{% for i in range(100000) %}" + "x" * 10000 + "{% endfor %}"
                                    "{% endmacro %}{{ f()|length }}",
    "doubling with ~": "{% set ns = namespace(s='AAAAAAAA') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}{{ ns.s|length }}",
    "doubling with +": "{% set ns = namespace(s='AAAAAAAA') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
                       "{% endfor %}{{ ns.s|length }}",
    "a list written out": "{% set s = 'A' * 1000000 %}{{ [s] * 100000 }}",
    "a list in a concatenation": "{% set s = 'A' * 1000000 %}{{ (([s] * 100000) ~ '')|length }}",
    "center": "{{ 'A'|center(2000000000) }}",
    "indent": "{{ ('A\\n' * 100000)|indent(100000, true)|length }}",
    "format filter": "{{ '%2000000000s'|format('a') }}",
    "percent": "{{ '%*s' % (2000000000, 'a') }}",
    "str.format": "{{ '{:>2000000000}'.format('a') }}",
    "str.format nested width": "{{ '{:>{w}}'.format('a', w=2000000000) }}",
    "ljust": "{{ 'A'.ljust(2000000000) }}",
    "replace": "{{ ('A' * 10000)|replace('A', 'A' * 1000000) }}",
    "str.replace": "{{ ('A' * 10000).replace('A', 'A' * 1000000) }}",
    "join": "{% set s = 'A' * 1000000 %}{{ ([s] * 100000)|join }}",
    "str.join": "{% set s = 'A' * 1000000 %}{{ ''.join([s] * 100000)|length }}",
    "sum of lists": "{% set l = ['A'] * 1000000 %}{{ ([l] * 100000)|sum(start=[])|length }}",
    "tojson": "{% set s = 'A' * 1000000 %}{{ ([s] * 100000)|tojson|length }}",
    "power": "{{ (10 ** (10 ** 10)) % 7 }}",
    "nested lists": "{% set s = 'A' * 1000000 %}{% set l = [s, s, s, s, s, s, s, s, s, s] %}{% set l2 = [l, l, l, l, l, l, l, l, l, l] %}"
                    "{% set l3 = [l2, l2, l2, l2, l2, l2, l2, l2, l2, l2] %}{{ l3 }}",
    "dict.fromkeys": "{% set s = 'A' * 1000000 %}{{ {}.fromkeys(range(100000), s) }}",
    "map": "{{ ['a']|map('center', 2000000000)|list }}",
    "a set block": "{% set s = 'A' * 1000000 %}{% set big %}{% for i in range(100000) %}{{ s }}{% endfor %}{% endset %}"
                   "{{ big|length }}",
    "caller": "{% set s = 'A' * 1000000 %}{% macro w() %}{% for i in range(100000) %}{{ caller() }}{% endfor %}{% endmacro %}"
              "{% call w() %}{{ s }}{% endcall %}",
    "lipsum": "{{ lipsum(2000000000)|length }}",
}


@pytest.mark.parametrize("template", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_template_falls_back_fast_within_memory_with_a_note(template):
    result = render_in_child(template)
    assert result["fallback"]
    assert result["text"].startswith("System: Be brief.\nUser: Hi")
    assert result["note"] and "plain" in result["note"]
    assert result["seconds"] < 10


def test_the_real_case_is_refused_for_its_size_and_says_so():
    result = render_in_child("{{ 'A' * 2000000000 }}", memory=512 << 20)
    assert result["fallback"] and result["seconds"] < 2
    assert "more text than" in result["note"]


def test_a_template_that_runs_too_long_is_stopped_by_the_deadline():
    # Loops that write nothing and call nothing: only the time limit can end them.
    template = "{% set l = range(100000)|list %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}"
    result = render_in_child(template, seconds=0.5)
    assert result["fallback"] and result["seconds"] < 5
    assert "longer than 0.5 seconds" in result["note"]


@pytest.mark.parametrize("template", [
    "{{ 1 / 0 }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ messages.append(1) }}",
    "{% for %}",
    "{{ raise_exception('This model wants tools.') }}",
], ids=["zero division", "recursion", "unsafe attribute", "mutation", "syntax", "raise_exception"])
def test_a_template_that_fails_falls_back_with_a_note_not_an_exception(template):
    prompt = render_chat(MESSAGES, template)
    assert prompt.uses_fallback and prompt.stop == FALLBACK_STOPS
    assert prompt.note and "plain" in prompt.note


def test_the_note_carries_the_templates_own_reason():
    prompt = render_chat(MESSAGES, "{{ raise_exception('This model wants tools.') }}")
    assert "This model wants tools." in prompt.note
    assert prompt.note.context == "ChatTemplate"


def test_no_template_is_not_a_failure_and_has_no_note():
    # The interface already says at load time that the model has no template.
    for template in (None, ""):
        prompt = render_chat(MESSAGES, template)
        assert prompt.uses_fallback and prompt.note is None


def test_ordinary_templates_are_untouched_by_the_limits():
    long = "word " * 400_000  # 2 MB in one message: a pasted book chapter
    prompt = render_chat([ChatMessage("user", long)], CHATML)
    assert not prompt.uses_fallback and prompt.note is None
    assert prompt.text == f"<|im_start|>user\n{long}<|im_end|>\n<|im_start|>assistant\n"
    many = [ChatMessage("user" if i % 2 == 0 else "assistant", f"turn {i}") for i in range(3000)]
    prompt = render_chat(many, CHATML)
    assert not prompt.uses_fallback and prompt.text.count("<|im_start|>") == 3001
    tools = "{{ messages|tojson }}|{{ '%s-%d'|format('x', 3) }}|{{ '{}:{}'.format('a', 1) }}|{{ 'ab'|center(6) }}"
    assert render_chat([ChatMessage("user", "Hi")], tools).text == (
        '[{"content": "Hi", "role": "user"}]|x-3|a:1|  ab  ')


ORDINARY = [
    CHATML,
    "{% for m in messages %}{% for part in m['content'].split(' ') %}{{ part|upper }}"
    "{% if not loop.last %} {% endif %}{% endfor %}\n{% else %}none{% endfor %}",
    "{% macro say(m) %}[{{ m.role }}] {{ m.content|trim }}{% endmacro %}{% for m in messages %}{{ say(m) }}\n{% endfor %}",
    "{% set ns = namespace(sys='') %}{% for m in messages if m.role == 'system' %}{% set ns.sys = ns.sys ~ m.content %}"
    "{% endfor %}<<SYS>>{{ ns.sys }}<</SYS>>\n{% for m in messages[1:] %}{{ loop.index }}/{{ loop.length }} "
    "{{ m['role']|capitalize }}: {{ m['content'] }}{{ eos_token if m.role == 'assistant' }}\n{% endfor %}"
    "{% if add_generation_prompt %}Assistant:{% endif %}",
    "{%- for m in messages -%}{{ '<|' ~ m.role ~ '|>\n' ~ m.content|trim ~ ('\n' * 2) }}{%- endfor -%}"
    "{{ bos_token + '%s|%5.1f' % ('x', 2.5) }}{{ messages|map(attribute='role')|join(', ') }}",
]


@pytest.mark.parametrize("template", ORDINARY)
def test_ordinary_templates_render_exactly_as_in_jinjas_sandbox(template):
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    messages = [*MESSAGES, ChatMessage("assistant", "Hello! "), ChatMessage("user", "Bye")]
    plain = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).from_string(template).render(
        messages=[{"role": m.role, "content": m.content} for m in messages], add_generation_prompt=True,
        bos_token="<s>", eos_token="</s>")
    prompt = render_chat(messages, template, bos_token="<s>", eos_token="</s>")
    assert not prompt.uses_fallback, prompt.note
    assert prompt.text == plain


def test_the_starter_models_template_renders_as_before(starter_model):
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from app.core.gguf import read_gguf

    template = read_gguf(starter_model).chat_template
    assert template
    plain = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).from_string(template).render(
        messages=[{"role": m.role, "content": m.content} for m in MESSAGES], add_generation_prompt=True,
        bos_token="", eos_token="")
    prompt = render_chat(MESSAGES, template)
    assert not prompt.uses_fallback and prompt.text == plain


def test_a_template_that_hit_a_limit_is_not_tried_again_and_again(monkeypatch):
    monkeypatch.setattr(chat_template, "RENDER_SECONDS", 0.2)
    template = "{% set l = range(100000)|list %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}{# again #}"
    first = render_chat(MESSAGES, template)
    assert first.uses_fallback and "longer than" in first.note
    start = time.monotonic()
    for _ in range(20):  # fit_messages renders once per candidate length
        assert render_chat(MESSAGES, template).note == first.note
    assert time.monotonic() - start < 0.5


def test_check_template_says_at_load_time_whether_the_template_works():
    assert check_template(CHATML) is None
    assert check_template(None) is None
    note = check_template("{{ 'A' * 2000000000 }}")
    assert note and "more text than" in note


@pytest.fixture(scope="module")
def hostile_template_model(tmp_path_factory, starter_model):
    """The starter model with its chat template replaced, in place and at the same length, by
    one that asks for a 2 GB string."""
    data = bytearray(starter_model.read_bytes())
    key = b"tokenizer.chat_template"
    at = data.find(key, 0, 8 << 20) + len(key) + 4  # past the key and the value's type
    length = int.from_bytes(data[at:at + 8], "little")
    hostile = b"{{ 'A' * 2000000000 }}{#"
    data[at + 8:at + 8 + length] = hostile + b"x" * (length - len(hostile) - 2) + b"#}"
    path = tmp_path_factory.mktemp("models") / "hostile-template.gguf"
    path.write_bytes(bytes(data))
    return path


def test_the_window_and_the_cli_say_when_the_models_template_is_not_used(qtbot, make_window, app_paths,
                                                                         hostile_template_model):
    from PySide6.QtWidgets import QTextBrowser

    window = make_window(app_paths, load=False)
    with qtbot.waitSignal(window.host.loaded, timeout=60_000):
        window.load_model(hostile_template_model)
    notices = window.findChild(QTextBrowser, "chatView").toPlainText()
    assert "chat template could not be used" in notices and "plain “User: / Assistant:” format" in notices

    # A wrapper measures the chat's own peak memory: this process's other children (a whole
    # test run's) would count in its RUSAGE_CHILDREN.
    measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "app", "chat", "--data-dir",
                           str(app_paths.data_dir.parent), "--model", str(hostile_template_model),
                           "--max-tokens", "4", "--seed", "1", "Hi"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    # Loading must not build the template's 2 GB string: Jinja's compiler folds constants, and
    # llama-cpp-python would compile every template in the file.
    assert int(done.stderr.strip().splitlines()[-1]) < 1_000_000  # KiB
    assert done.returncode == 0, done.stderr
    assert "chat template could not be used" in done.stderr and done.stdout.strip()
