"""One rule for how much of the context a prompt may take, local and remote alike."""

from app.core.generation import prompt_budget


def test_the_reply_keeps_its_room_up_to_a_quarter_of_the_context():
    assert prompt_budget(4096, 512) == 3584
    assert prompt_budget(4096, 4000) == 3072  # never more than a quarter for the reply
    assert prompt_budget(2048, 0) == 2048

