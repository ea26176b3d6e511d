"""The story bible: which entries the story calls up, which fit, and the parts of the prompt."""

import pytest

from app.core.lorebook import (
    PART_SEPARATOR,
    Activation,
    LoreEntry,
    Lorebook,
    LorebookError,
    PromptPart,
    fit,
    key_matches,
    keys_text,
    lore_context,
    normalise,
    parse_keys,
    parts_text,
    prompt_parts,
    scan,
    scan_window,
    split_at_note,
)
from app.core.translatable import Translatable


def words(text: str) -> int:
    """A stand-in tokenizer: one token per word."""
    return len(text.split())


def entry(name: str, keys: str = "", content: str | None = None, **fields) -> LoreEntry:
    return LoreEntry(name=name, keys=keys or name, content=content if content is not None else f"About {name}.", **fields)


def fired(book: Lorebook, text: str, note: str = "") -> list[str]:
    return [activation.entry.name for activation in scan(book, text, note)]


# --- Keys ---------------------------------------------------------------------------------


def test_keys_are_typed_as_one_line_with_either_comma():
    assert parse_keys("玛拉，Mara, the keeper") == ("玛拉", "Mara", "the keeper")
    assert parse_keys(" Mara ,, the\n keeper ，") == ("Mara", "the keeper")
    assert parse_keys("Mara, Mara") == ("Mara",)
    assert keys_text(parse_keys("玛拉，Mara")) == "玛拉, Mara"


def test_an_entry_takes_its_keys_as_a_line_or_a_sequence():
    assert LoreEntry(name="Mara", keys="玛拉，Mara").keys == ("玛拉", "Mara")
    assert LoreEntry(name="Mara", keys=["Mara ", "", "the keeper"]).keys == ("Mara", "the keeper")
    assert LoreEntry(keys="Mara").title == "Mara"  # no name: the first key names it


# --- Matching -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Al, come here.", "It is Al's boat.", "Said Al.", "(Al)", "Al", "我见到Al了。"])
def test_a_latin_key_fires_on_the_whole_word(text):
    assert key_matches("Al", text)


@pytest.mark.parametrize("text", ["Also, the sea.", "Alan left.", "a total loss", "Hal waited.", "Al_x"])
def test_a_latin_key_does_not_fire_inside_another_word(text):
    assert not key_matches("Al", text)


def test_a_key_of_several_words_fires_across_a_line_break():
    assert key_matches("the keeper", "and then the\nkeeper said")
    assert not key_matches("the keeper", "the keepers")


def test_a_chinese_key_fires_inside_a_sentence():
    assert key_matches("玛拉", "他看见玛拉走进灯塔。")
    assert key_matches("灯塔", "他看见玛拉走进灯塔。")
    assert not key_matches("玛拉", "他看见玛丽走进灯塔。")


def test_japanese_and_korean_keys_fire_inside_a_sentence():
    assert key_matches("マラ", "灯台守のマラさんが来た。")
    assert key_matches("마라", "등대지기마라가 왔다.")


@pytest.mark.parametrize(("key", "text"), [("瑪拉", "他看见玛拉。"), ("玛拉", "他看見瑪拉。"), ("燈塔", "灯塔亮了"), ("头发", "她的頭髮很長")])
def test_traditional_and_simplified_chinese_are_the_same(key, text):
    assert key_matches(key, text)


@pytest.mark.parametrize(("key", "text"), [("Mara", "Ｍａｒａ smiled."), ("ＭＡＲＡ", "mara smiled."), ("ｶﾀｶﾅ", "カタカナで"),
                                           ("R2", "Ｒ２ beeped."), ("玛拉", "玛拉，你好")])
def test_full_width_and_half_width_forms_are_the_same(key, text):
    assert key_matches(key, text)


@pytest.mark.parametrize(("key", "text"), [("Mara", "MARA!"), ("mara", "Mara."), ("Straße", "STRASSE"), ("ΣΟΦΊΑ", "σοφία")])
def test_case_does_not_matter(key, text):
    assert key_matches(key, text)


def test_normalise_is_what_both_sides_meet_in():
    assert normalise("Ｍａｒａ 瑪拉 STRASSE") == "mara 玛拉 strasse"


# --- Scanning -----------------------------------------------------------------------------


def test_only_the_last_characters_before_the_cursor_are_scanned():
    book = Lorebook(entries=(entry("Mara"), entry("Tom")), scan_chars=100)
    text = "Mara rowed out. " + "The sea was grey. " * 10 + "Tom waited."
    assert len(text) - text.index("Mara") > 100
    assert fired(book, text) == ["Tom"]
    assert fired(Lorebook(entries=book.entries, scan_chars=1000), text) == ["Tom", "Mara"]


def test_a_word_cut_at_the_window_start_is_not_a_word():
    text = "Alison" + " rowed." * 20
    window = scan_window(text, len(text) - 3)
    assert window.startswith(" rowed")
    assert fired(Lorebook(entries=(entry("Son", "son"),), scan_chars=len(text) - 3), text) == []
    assert scan_window("short", 100) == "short"


def test_the_authors_note_fires_entries_too():
    book = Lorebook(entries=(entry("Mara"), entry("Storm", "storm")))
    [activation] = scan(book, "The sea was calm.", "Build up to the storm.")
    assert (activation.entry.name, activation.source, activation.key) == ("Storm", "authors_note", "storm")
    assert activation.reason == "“storm” in the author's note"


def test_a_mention_in_the_draft_is_reported_before_the_note():
    book = Lorebook(entries=(entry("Mara", "Mara, the keeper"),))
    [activation] = scan(book, "Mara climbed. Then the keeper slept.", "Mara is tired.")
    # The alias nearest the cursor names the reason.
    assert (activation.source, activation.key) == ("draft", "the keeper")
    assert activation.reason == "“the keeper” in the draft"


def test_entries_come_in_order_always_on_then_nearest_the_cursor_then_the_note():
    book = Lorebook(entries=(
        entry("Tom"), entry("Mara"), entry("Style", "", "Past tense.", always_on=True), entry("Storm", "storm"), entry("Gull"),
    ))
    assert fired(book, "Tom saw Mara. Later Tom left.", "A storm and a gull.") == ["Style", "Tom", "Mara", "Storm", "Gull"]
    assert fired(book, "Mara saw Tom.") == ["Style", "Tom", "Mara"]


def test_always_on_entries_need_no_key_and_disabled_entries_never_fire():
    book = Lorebook(entries=(
        LoreEntry(name="Style", content="Past tense.", always_on=True),
        LoreEntry(name="Off", keys="Mara", content="Old notes.", enabled=False),
        LoreEntry(name="Off and always", content="Old rule.", always_on=True, enabled=False),
        LoreEntry(name="Empty", keys="Mara", content="  "),
    ))
    activations = scan(book, "Mara rowed out.")
    assert [(a.entry.name, a.source, a.key) for a in activations] == [("Style", "always_on", None)]
    assert activations[0].reason == "always on"


def chain(depth: int) -> Lorebook:
    return Lorebook(recursion_depth=depth, entries=(
        entry("Mara", content="Mara keeps the lighthouse."),
        entry("Lighthouse", "lighthouse", "The lighthouse stands on Gull Rock."),
        entry("Gull Rock", "Gull Rock", "Gull Rock is an hour from the harbour."),
        entry("Harbour", "harbour", "The harbour freezes in winter."),
    ))


@pytest.mark.parametrize(("depth", "expected"), [
    (0, ["Mara"]), (1, ["Mara", "Lighthouse"]), (2, ["Mara", "Lighthouse", "Gull Rock"]),
])
def test_entries_fire_entries_up_to_the_recursion_depth(depth, expected):
    assert fired(chain(depth), "Mara rowed out.") == expected


def test_an_entry_found_in_another_says_which_and_how_deep():
    activations = scan(chain(2), "Mara rowed out.")
    assert [(a.source, a.via.name if a.via else None, a.depth) for a in activations] == [
        ("draft", None, 0), ("entry", "Mara", 1), ("entry", "Lighthouse", 2)]
    assert activations[2].reason == "“Gull Rock” in the entry “Lighthouse” (depth 2)"


def test_always_on_entries_fire_others_by_recursion():
    book = Lorebook(recursion_depth=1, entries=(
        entry("Setting", "", "The story takes place on Gull Rock.", always_on=True), entry("Gull Rock")))
    assert fired(book, "Nothing here.") == ["Setting", "Gull Rock"]


def test_recursion_cannot_go_past_two():
    with pytest.raises(LorebookError):
        Lorebook(recursion_depth=3)


@pytest.mark.parametrize(("logic", "note", "fires"), [
    ("and_any", "a storm at night", True), ("and_any", "a calm day", False),
    ("and_all", "a storm at night", True), ("and_all", "a storm", False),
    ("not_any", "a calm day", True), ("not_any", "at night", False),
    ("not_all", "a storm", True), ("not_all", "a storm at night", False),
])
def test_secondary_keys_refine_a_match(logic, note, fires):
    book = Lorebook(entries=(entry("Mara", secondary_keys="storm, night", secondary_logic=logic),))
    assert fired(book, "Mara rowed out.", note) == (["Mara"] if fires else [])


def test_secondary_keys_alone_fire_nothing():
    book = Lorebook(entries=(entry("Mara", secondary_keys="storm"),))
    assert fired(book, "A storm came.") == []


def test_wrong_values_are_refused_with_a_translatable_message():
    with pytest.raises(LorebookError) as error:
        LoreEntry(name="Mara", position="middle")
    assert isinstance(error.value.args[0], Translatable) and error.value.args[0].context == "Lorebook"
    assert "before_memory" in str(error.value)
    with pytest.raises(LorebookError):
        LoreEntry(name="Mara", priority="high")
    with pytest.raises(LorebookError):
        Lorebook(scan_chars=10)
    with pytest.raises(LorebookError):
        Lorebook(budget_fraction=0)
    assert issubclass(LorebookError, ValueError)


# --- The budget ---------------------------------------------------------------------------


def activations_of(*entries: LoreEntry) -> list[Activation]:
    return [Activation(e, "draft", e.keys[0]) for e in entries]


def test_the_budget_keeps_the_highest_priorities_and_says_why_the_rest_are_left_out():
    low = entry("Low", content="one two three", priority=10)
    high = entry("High", content="one two three four", priority=300)
    middle = entry("Middle", content="one two three", priority=100)
    kept, left_out = fit(activations_of(low, high, middle), words, budget_tokens=8)
    assert [a.entry.name for a in kept] == ["High", "Middle"]  # in the order given
    [out] = left_out
    assert (out.activation.entry.name, out.tokens) == ("Low", 3)
    assert out.reason == "left out: the story bible's budget of 8 tokens was used by higher-priority entries"
    assert isinstance(out.reason, Translatable) and out.reason.context == "Lorebook"


def test_a_smaller_entry_still_fills_the_room_that_is_left():
    big = entry("Big", content="a b c d e f", priority=50)
    small = entry("Small", content="a", priority=10)
    first = entry("First", content="a b c", priority=100)
    kept, left_out = fit(activations_of(big, small, first), words, budget_tokens=5)
    assert [a.entry.name for a in kept] == ["Small", "First"]
    assert [o.activation.entry.name for o in left_out] == ["Big"]


def test_an_entry_longer_than_the_whole_budget_says_so():
    kept, [out] = fit(activations_of(entry("Saga", content="word " * 50)), words, budget_tokens=20)
    assert kept == []
    assert out.reason == "left out: at 50 tokens it is longer than the story bible's whole budget of 20 tokens"


def test_equal_priorities_keep_the_order_of_the_scan():
    book = Lorebook(entries=(entry("Tom", content="a b c"), entry("Mara", content="a b c")))
    activations = scan(book, "Tom saw Mara.")  # Mara is nearer the cursor: first
    kept, [out] = fit(activations, words, budget_tokens=4)
    assert [a.entry.name for a in kept] == ["Mara"]
    assert out.activation.entry.name == "Tom"
    assert out.reason == "left out: the story bible's budget of 4 tokens was used by entries of the same priority found before it"


def test_an_entry_found_through_one_left_out_is_left_out_with_it():
    book = Lorebook(recursion_depth=1, entries=(
        entry("Mara", content="Mara keeps the lighthouse", priority=10),
        entry("Lighthouse", "lighthouse", "Old.", priority=500),
        entry("Tom", content="Tom rows the boat", priority=100),
    ))
    activations = scan(book, "Tom and Mara.")
    kept, left_out = fit(activations, words, budget_tokens=6)
    assert [a.entry.name for a in kept] == ["Tom"]
    assert [(o.activation.entry.name, o.reason) for o in left_out] == [
        ("Mara", "left out: the story bible's budget of 6 tokens was used by higher-priority entries"),
        ("Lighthouse", "left out: the entry “Mara” that mentions it was left out"),
    ]


def test_the_budget_is_a_share_of_the_context():
    assert Lorebook().budget_tokens(4096) == 1024
    assert Lorebook(budget_fraction=0.1).budget_tokens(2048) == 204


# --- The parts of the prompt --------------------------------------------------------------


def test_prompt_parts_come_in_prompt_order_with_labels():
    before = entry("World", content="An island world.", position="before_memory", always_on=True)
    minor = entry("Tom", content="Tom rows.", priority=10)
    major = entry("Mara", content="Mara keeps the light.", priority=200)
    near_note = entry("Storm", "storm", "Storms come from the west.", position="authors_note")
    kept = [Activation(major, "draft", "Mara"), Activation(before, "always_on"), Activation(minor, "draft", "Tom"),
            Activation(near_note, "authors_note", "storm")]
    parts = prompt_parts("  A quiet story.  ", kept, "Build up to the storm.")
    assert [(p.kind, p.text) for p in parts] == [
        ("entry", "An island world."),
        ("memory", "A quiet story."),
        ("entry", "Tom rows."),  # the more important entry comes later, nearer the draft
        ("entry", "Mara keeps the light."),
        ("entry", "Storms come from the west."),
        ("authors_note", "Build up to the storm."),
    ]
    assert [str(p.label) for p in parts] == [
        "World: always on", "Memory", "Tom: “Tom” in the draft", "Mara: “Mara” in the draft",
        "Storm: “storm” in the author's note", "Author's note"]
    assert all(isinstance(p.label, Translatable) and p.label.context == "Lorebook" for p in parts)
    assert parts_text(parts) == PART_SEPARATOR.join(p.text for p in parts)
    assert parts_text(parts).startswith("An island world.\n\nA quiet story.\n\nTom rows.")


def test_the_parts_that_travel_with_the_note_come_last():
    kept = [Activation(entry("Storm", content="West winds.", position="authors_note"), "draft", "Storm"),
            Activation(entry("Mara"), "draft", "Mara")]
    head, note = split_at_note(prompt_parts("Memory.", kept, "Be brief."))
    assert [p.text for p in head] == ["Memory.", "About Mara."]
    assert [p.text for p in note] == ["West winds.", "Be brief."]
    assert prompt_parts("Memory.", kept, "Be brief.") == head + note


def test_blank_memory_and_note_give_no_part():
    assert prompt_parts("  ", [], "\n") == []
    assert prompt_parts("Memory.", [], "") == [PromptPart("memory", "Memory", "Memory.")]


def test_lore_context_runs_scan_fit_and_layout():
    book = Lorebook(budget_fraction=0.5, entries=(
        entry("Mara", content="Mara keeps the light.", priority=200),
        entry("Tom", content="Tom rows the small boat home.", priority=10),
    ))
    context = lore_context(book, text_before_cursor="Tom met Mara.", memory="A quiet story.", authors_note="Be brief.",
                           count_tokens=words, context_tokens=16)
    assert [a.entry.name for a in context.activations] == ["Mara", "Tom"]
    assert [a.entry.name for a in context.kept] == ["Mara"]
    assert [o.activation.entry.name for o in context.left_out] == ["Tom"]
    assert context.text == "A quiet story.\n\nMara keeps the light.\n\nBe brief."
    assert [p.kind for p in context.parts] == ["memory", "entry", "authors_note"]


def test_a_chinese_story_calls_up_its_entries():
    book = Lorebook(recursion_depth=1, entries=(
        LoreEntry(name="玛拉", keys="瑪拉，守灯人, Mara", content="玛拉在海鸥岩上看守灯塔。"),
        LoreEntry(name="海鸥岩", keys="海鷗岩", content="海鸥岩是一座荒岛。"),
        LoreEntry(name="港口", keys="港口", content="港口冬天会结冰。"),
    ))
    activations = scan(book, "天还没亮，守燈人就醒了。")
    assert [(a.entry.name, a.key, a.source) for a in activations] == [("玛拉", "守灯人", "draft"), ("海鸥岩", "海鷗岩", "entry")]
