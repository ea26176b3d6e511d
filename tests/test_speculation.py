"""Prompt-lookup drafting and its policy (app/core/speculation.py): pure logic, no model."""

import pytest

from app.core.speculation import DraftPolicy, NgramDrafter


def test_a_copied_passage_is_drafted_from_where_its_last_tokens_occurred():
    passage = [10, 11, 12, 13, 14, 15, 16]
    drafter = NgramDrafter([1, 2, *passage, 3, 4])
    drafter.extend([10, 11, 12])  # the reply starts copying the passage
    assert drafter.draft(3) == [13, 14, 15]
    assert drafter.draft(10) == [13, 14, 15, 16, 3, 4, 10, 11, 12][:10]


def test_the_longest_ngram_wins_over_a_more_recent_shorter_one():
    # (7, 8) last occurred followed by 99, but (6, 7, 8) only once, followed by 50.
    drafter = NgramDrafter([6, 7, 8, 50, 51, 1, 7, 8, 99, 2, 6, 7, 8], max_ngram=3, min_ngram=2)
    assert drafter.draft(2) == [50, 51]


def test_the_most_recent_occurrence_is_used():
    drafter = NgramDrafter([5, 6, 1, 5, 6, 2, 9, 5, 6], min_ngram=2)
    assert drafter.draft(1) == [2]


def test_nothing_is_drafted_without_an_earlier_occurrence():
    drafter = NgramDrafter([1, 2, 3, 4, 5])
    assert drafter.draft(4) == []
    drafter.extend([1, 2])  # two tokens are below the shortest n-gram
    assert drafter.draft(4) == []
    drafter.append(3)
    assert drafter.draft(2) == [4, 5]
    assert drafter.draft(0) == []


def test_the_tail_itself_is_not_an_earlier_occurrence():
    drafter = NgramDrafter([3, 3, 3, 3])
    # (3, 3, 3) occurred at 0..2, followed by the 3 at index 3.
    assert drafter.draft(5) == [3]


def test_ngram_sizes_are_checked():
    with pytest.raises(ValueError):
        NgramDrafter(min_ngram=0)
    with pytest.raises(ValueError):
        NgramDrafter(max_ngram=2, min_ngram=3)


def test_the_draft_length_grows_with_kept_drafts_and_shrinks_with_rejected_ones():
    policy = DraftPolicy()
    assert policy.length == DraftPolicy.FIRST
    policy.record(8, 8, 0.01)
    assert policy.length == 16
    policy.record(16, 16, 0.01)
    assert policy.length == DraftPolicy.LONGEST
    policy.record(16, 0, 0.01)
    assert policy.length == 8
    for _ in range(5):
        policy.record(2, 0, 0.01)
    assert policy.length == DraftPolicy.SHORTEST
    policy.record(4, 2, 0.01)  # a partly kept draft leaves the length as it is
    assert policy.length == DraftPolicy.SHORTEST
    assert policy.acceptance == pytest.approx(26 / 54)


def test_drafting_turns_itself_off_when_it_is_slower_than_single_steps():
    # A CPU: a 9-token batch costs 75 ms, a single step 12.6 ms; 3 of 8 kept gives 4 tokens.
    policy = DraftPolicy()
    for _ in range(DraftPolicy.PROBATION):
        assert policy.enabled
        policy.record(8, 3, 0.075)
    # Judging needs a single step's time: the policy asks for one.
    assert policy.enabled and policy.wants_single_step()
    policy.record_single(0.0126)
    assert not policy.wants_single_step()
    assert not policy.enabled and not policy.pays()


def test_drafting_stays_on_while_it_pays():
    # A GPU: a batch costs little more than a single step.
    policy = DraftPolicy()
    policy.record_single(0.010)
    for _ in range(20):
        policy.record(8, 3, 0.013)
    assert policy.enabled and policy.pays()
    policy.record(0, 0, 1.0)  # nothing drafted changes nothing
    assert policy.drafted == 160 and policy.batches == 20


def test_single_steps_are_averaged():
    policy = DraftPolicy()
    policy.record_single(0.010)
    policy.record_single(0.020)
    for _ in range(DraftPolicy.PROBATION):
        # 5 tokens in 0.06 s: 83 tok/s against 1 / 0.012 s = 83 tok/s after smoothing.
        policy.record(8, 4, 0.0599)
    assert policy.enabled
