from app.core.chat_template import FALLBACK_STOPS, fit_messages, render_chat
from app.core.generation import ChatMessage

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
NO_SYSTEM = (
    "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
    "{% endif %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}[assistant]"
)


def test_chatml_template_renders_generation_prompt():
    prompt = render_chat([ChatMessage("user", "Hi")], CHATML)
    assert prompt.text == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    assert not prompt.uses_fallback
    assert prompt.stop == ()


def test_template_rejecting_system_gets_it_merged_into_first_user_message():
    prompt = render_chat([ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")], NO_SYSTEM)
    assert prompt.text == "[user] Be brief.\n\nHi\n[assistant]"
    assert not prompt.uses_fallback


def test_missing_or_broken_template_falls_back_to_plain_labels():
    messages = [ChatMessage("system", "Be kind."), ChatMessage("user", "Hello")]
    for template in (None, "", "{% for %}"):
        prompt = render_chat(messages, template)
        assert prompt.uses_fallback
        assert prompt.text == "System: Be kind.\nUser: Hello\nAssistant:"
        assert prompt.stop == FALLBACK_STOPS


def test_bos_token_is_available_to_templates():
    prompt = render_chat([ChatMessage("user", "x")], "{{ bos_token }}{{ messages[0]['content'] }}", bos_token="<s>")
    assert prompt.text == "<s>x"


def words(messages):
    return sum(len(m.content.split()) for m in messages)


def test_fit_keeps_system_and_newest_messages():
    messages = [ChatMessage("system", "sys")] + [
        ChatMessage("user" if i % 2 == 0 else "assistant", f"m{i} " * 10) for i in range(6)
    ]
    kept, dropped = fit_messages(messages, words, budget=31)
    # m3..m5 would fit (31 words), but m3 is an assistant reply whose question was cut.
    assert kept == [messages[0], messages[5], messages[6]]
    assert dropped == 4


def test_fit_changes_nothing_when_everything_fits():
    messages = [ChatMessage("user", "a"), ChatMessage("assistant", "b"), ChatMessage("user", "c")]
    assert fit_messages(messages, words, budget=100) == (messages, 0)


def test_fit_keeps_newest_message_even_when_too_long():
    messages = [ChatMessage("user", "a"), ChatMessage("user", "long " * 50)]
    kept, dropped = fit_messages(messages, words, budget=5)
    assert kept == [messages[-1]]
    assert dropped == 1
