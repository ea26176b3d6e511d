from app.core.textstream import StopMatcher, Utf8StreamDecoder


def feed_all(decoder, pieces):
    return "".join(decoder.feed(p) for p in pieces) + decoder.flush()


def test_utf8_split_across_tokens():
    data = "写作 ✍️ café".encode()
    for size in (1, 2, 3):
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        assert feed_all(Utf8StreamDecoder(), pieces) == "写作 ✍️ café"


def test_utf8_holds_incomplete_sequence_until_completed():
    decoder = Utf8StreamDecoder()
    han = "字".encode()
    assert decoder.feed(han[:2]) == ""
    assert decoder.feed(han[2:]) == "字"


def test_utf8_unfinished_sequence_becomes_replacement_char():
    decoder = Utf8StreamDecoder()
    assert decoder.feed("字".encode()[:2]) == ""
    assert decoder.flush() == "\ufffd"


def stream(matcher, chunks):
    out = "".join(matcher.feed(c) for c in chunks)
    return out + matcher.flush()


def test_stop_string_split_across_chunks_is_removed():
    matcher = StopMatcher(["\nUser:"])
    assert stream(matcher, ["Hello", " there\nUs", "er: more"]) == "Hello there"
    assert matcher.stopped


def test_text_that_only_looks_like_a_stop_prefix_is_released():
    matcher = StopMatcher(["\nUser:"])
    assert matcher.feed("a\nUs") == "a"
    assert matcher.feed("ually fine") == "\nUsually fine"
    assert matcher.flush() == ""
    assert not matcher.stopped


def test_earliest_of_several_stops_wins():
    matcher = StopMatcher(["END", "STOP"])
    assert stream(matcher, ["one STOP two END"]) == "one "


def test_without_stops_text_passes_through():
    matcher = StopMatcher()
    assert matcher.feed("abc") == "abc"
    assert matcher.flush() == ""


def test_holdback_is_bounded_by_longest_stop():
    matcher = StopMatcher(["<|end|>"])
    released = matcher.feed("x" * 10_000 + "<|en")
    assert released == "x" * 10_000
    assert len(matcher._pending) == len("<|en")
