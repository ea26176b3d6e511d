"""Lorebooks from SillyTavern, Kobold Lite and NovelAI, and out to SillyTavern."""

import json
from pathlib import Path

import pytest

from app.core.lorebook import LoreEntry, Lorebook, LorebookError, scan
from app.core.lorebook_formats import (
    LorebookFormatError,
    detect_format,
    dumps_sillytavern,
    load_lorebook,
    parse_lorebook,
    save_sillytavern,
    to_sillytavern,
)
from app.core.translatable import Translatable

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lorebooks"


def by_name(book: Lorebook) -> dict[str, LoreEntry]:
    return {entry.name: entry for entry in book.entries}


def assert_translatable(message: str) -> None:
    assert isinstance(message, Translatable) and message.context == "Lorebook", message


# --- SillyTavern --------------------------------------------------------------------------


def test_sillytavern_world_info_is_read():
    book, notes = load_lorebook(FIXTURES / "sillytavern.json")
    assert book.name == "sillytavern"  # named after the file, which does not name itself
    assert [entry.name for entry in book.entries] == ["Style", "Mara", "玛拉（中文）", "Gull Rock"]  # by displayIndex
    entries = by_name(book)
    assert entries["Mara"] == LoreEntry(
        name="Mara", keys=("Mara", "the keeper"),
        content="Mara keeps the lighthouse on Gull Rock. She is sixty and distrusts strangers.",
        priority=200, position="after_memory")
    assert entries["Style"].always_on and entries["Style"].position == "before_memory" and entries["Style"].priority == 50
    chinese = entries["玛拉（中文）"]
    assert (chinese.keys, chinese.secondary_keys, chinese.secondary_logic) == (("玛拉", "守灯人"), ("灯塔",), "and_any")
    assert chinese.position == "authors_note"  # SillyTavern's "at depth" is nearest to the note
    rock = entries["Gull Rock"]
    assert not rock.enabled and rock.keys == ("Gull Rock",) and rock.position == "authors_note"
    assert notes == [
        "entries placed at a depth in the chat, placed with the author's note instead: 1",
        "keys written as regular expressions, left out because Inkwell matches words and names: 1",
        "ignored the field “mood” in 1 of 4 entries: Inkwell does not use it",
        "ignored the field “probability” in 1 of 4 entries: Inkwell does not use it",
    ]
    for note in notes:
        assert_translatable(note)


def test_an_imported_sillytavern_book_fires_as_it_did_there():
    book, _ = load_lorebook(FIXTURES / "sillytavern.json")
    assert [a.entry.name for a in scan(book, "守燈人看着大海。")] == ["Style"]  # the secondary key is missing
    assert [a.entry.name for a in scan(book, "守燈人走向燈塔。")] == ["Style", "玛拉（中文）"]
    assert [a.entry.name for a in scan(book, "The keeper rowed to Gull Rock.")] == ["Style", "Mara"]  # Gull Rock is disabled


def test_a_character_cards_lorebook_is_read_too():
    card_book = {"name": "Card lore", "recursive_scanning": True, "entries": [
        {"keys": ["Seraphina"], "secondary_keys": [], "content": "The forest guardian.", "enabled": True,
         "insertion_order": 120, "position": "after_char", "name": "Seraphina", "extensions": {}},
        {"keys": ["glade"], "content": "A safe clearing.", "enabled": False, "insertion_order": 90,
         "position": "before_char", "comment": "Glade"},
    ]}
    book, notes = parse_lorebook(json.dumps(card_book), "file")
    assert book.name == "Card lore" and book.recursion_depth == 2
    assert [(e.name, e.keys, e.priority, e.position, e.enabled) for e in book.entries] == [
        ("Seraphina", ("Seraphina",), 120, "after_memory", True), ("Glade", ("glade",), 90, "before_memory", False)]
    assert notes == []


def test_fields_of_the_wrong_type_are_noted_not_raised():
    data = {"entries": {"0": {"key": "Mara, the keeper", "content": 5, "order": "high", "constant": "yes", "position": [1]},
                        "1": "not an entry"}}
    book, notes = parse_lorebook(json.dumps(data), "odd")
    [mara] = book.entries
    assert (mara.keys, mara.content, mara.priority, mara.always_on) == (("Mara", "the keeper"), "", 100, False)
    assert "entry fields with a value of the wrong type, ignored: 3" in notes
    assert "items that were not entries, skipped: 1" in notes
    assert "entries with a position Inkwell does not know, placed after the memory: 1" in notes


# --- Kobold Lite --------------------------------------------------------------------------


def test_kobold_lite_world_info_is_read_from_a_saved_story():
    book, notes = load_lorebook(FIXTURES / "kobold_story.json")
    assert book.name == "kobold_story"
    assert book.scan_chars == 1024  # "WI Search Depth"
    mara, lighthouse, rule = book.entries
    assert (mara.name, mara.keys, mara.content) == ("Mara", ("Mara", "the keeper"), "Mara keeps the lighthouse on Gull Rock.")
    assert {entry.position for entry in book.entries} == {"authors_note"}  # "WI Insert Location: Before A/N"
    # Kobold Lite's anti-keys: the entry fires unless one of them is mentioned.
    assert (lighthouse.keys, lighthouse.secondary_keys, lighthouse.secondary_logic) == (("灯塔", "燈塔"), ("暴风雨",), "not_any")
    assert rule.always_on and not rule.enabled
    assert notes == [
        "only the world info was imported, not the story, its memory or its author's note",
        "ignored the field “wigroup” in 1 of 3 entries: Inkwell does not use it",
    ]
    assert [a.entry.name for a in scan(book, "他望向燈塔。")] == ["灯塔"]
    assert [a.entry.name for a in scan(book, "暴风雨中，他望向燈塔。")] == []


def test_kobold_lite_world_info_exported_alone_is_read():
    data = [{"key": "Mara", "keysecondary": "", "content": "The keeper.", "comment": "", "folder": None,
             "selective": False, "constant": False, "probability": 100, "wigroup": "", "widisabled": False}]
    book, notes = parse_lorebook(json.dumps(data), "world_info")
    assert book.entries == (LoreEntry(keys=("Mara",), content="The keeper."),)
    assert book.entries[0].title == "Mara"
    assert notes == []


# --- NovelAI ------------------------------------------------------------------------------


def test_a_novelai_lorebook_is_read():
    book, notes = load_lorebook(FIXTURES / "novelai.lorebook")
    mara, rock = book.entries
    assert mara == LoreEntry(name="Mara", keys=("Mara", "the keeper"), content="Mara keeps the lighthouse on Gull Rock.", priority=400)
    assert (rock.name, rock.keys, rock.priority, rock.enabled, rock.always_on) == ("海鷗岩", ("海鷗岩",), -100, False, True)
    assert book.scan_chars == 4000  # the widest of its entries' search ranges
    assert notes == [
        "the entries searched 1,000 to 4,000 characters back; Inkwell searches 4,000 for all of them",
        "keys written as regular expressions, left out because Inkwell matches words and names: 1",
        "ignored the field “colour” in 1 of 2 entries: Inkwell does not use it",
        "ignored the field “loreBiasGroups” in 1 of 2 entries: Inkwell does not use it",
    ]


def test_formats_are_told_apart_by_their_content():
    assert detect_format({"lorebookVersion": 5, "entries": []}) == "novelai"
    assert detect_format({"gamestarted": True, "worldinfo": []}) == "kobold"
    assert detect_format([{"key": "a", "content": "b"}]) == "kobold"
    assert detect_format({"entries": {}}) == "sillytavern"
    assert detect_format({"messages": []}) is None
    assert detect_format([1, 2]) is None


# --- Files that are not lorebooks ---------------------------------------------------------


def raises_format_error(text: str | bytes, *fragments: str) -> None:
    with pytest.raises(LorebookFormatError) as error:
        parse_lorebook(text, "book", file="book.json")
    message = error.value.args[0]
    assert_translatable(message)
    for fragment in fragments:
        assert fragment in message, message


def test_a_cut_short_file_says_so():
    text = (FIXTURES / "sillytavern.json").read_text(encoding="utf-8")
    raises_format_error(text[: len(text) // 2], "book.json is cut short")


def test_broken_json_says_where():
    raises_format_error('{"entries": {"0": {"key": ["Mara"] "content": "x"}}}', "not valid JSON (line 1, column 36)")


def test_json_that_is_not_a_lorebook_says_what_was_expected():
    raises_format_error('{"messages": []}', "not a lorebook Inkwell can read", "“entries”", "“worldinfo”", "“lorebookVersion”")
    raises_format_error('"just text"', "not a lorebook Inkwell can read")


def test_a_lorebook_of_the_wrong_shape_names_its_format():
    raises_format_error('{"entries": 5}', "book.json is not a readable SillyTavern World Info: “entries” must be an object or a list")
    raises_format_error('{"lorebookVersion": 4, "entries": {}}', "NovelAI lorebook: “entries” must be a list")
    raises_format_error('{"worldinfo": "Mara"}', "Kobold Lite world info: “worldinfo” must be a list")


def test_hostile_files_end_in_a_format_error():
    raises_format_error(b"\xff\xfe{}", "not UTF-8 text")
    raises_format_error("[" * 200_000, "")
    raises_format_error('{"entries": {"0": {"key": ["a"], "order": ' + "9" * 5000 + "}}}", "")


def test_a_missing_file_or_a_folder_is_a_format_error(tmp_path):
    for path in (tmp_path / "nothing.json", tmp_path):
        with pytest.raises(LorebookFormatError) as error:
            load_lorebook(path)
        assert_translatable(error.value.args[0])
    assert issubclass(LorebookFormatError, LorebookError) and issubclass(LorebookFormatError, ValueError)


# --- Export -------------------------------------------------------------------------------


def full_book() -> Lorebook:
    return Lorebook(name="Gull Rock", scan_chars=3000, recursion_depth=1, budget_fraction=0.2, entries=(
        LoreEntry(name="Mara", keys="玛拉，Mara, the keeper", content="Mara keeps the light.", priority=250),
        LoreEntry(name="Style", content="Past tense.", always_on=True, position="before_memory", priority=5),
        LoreEntry(name="Storm", keys="storm", content="Storms come from the west.", position="authors_note",
                  secondary_keys="night, 夜", secondary_logic="not_all", enabled=False),
        LoreEntry(keys="Tom", content="Tom rows."),
    ))


def test_export_and_import_give_back_the_same_book(tmp_path):
    path = tmp_path / "exported.json"
    save_sillytavern(full_book(), path)
    book, notes = load_lorebook(path)
    assert book == full_book()
    assert notes == []


@pytest.mark.parametrize("fixture", ["sillytavern.json", "kobold_story.json", "novelai.lorebook"])
def test_every_import_survives_an_export(fixture):
    imported, _ = load_lorebook(FIXTURES / fixture)
    again, notes = parse_lorebook(dumps_sillytavern(imported), "again")
    assert again == imported
    assert notes == []


def test_the_export_is_sillytavern_world_info():
    data = to_sillytavern(full_book())
    assert list(data["entries"]) == ["0", "1", "2", "3"]
    mara, style, storm, _ = data["entries"].values()
    assert (mara["uid"], mara["key"], mara["comment"], mara["order"], mara["position"]) == (0, ["玛拉", "Mara", "the keeper"], "Mara", 250, 1)
    assert (style["constant"], style["position"], style["disable"]) == (True, 0, False)
    assert (storm["keysecondary"], storm["selectiveLogic"], storm["position"], storm["disable"]) == (["night", "夜"], 1, 2, True)
    # Everything SillyTavern's own entries have, so that it loads the file as one of its own.
    st_entry_fields = {"key", "keysecondary", "comment", "content", "constant", "vectorized", "selective", "selectiveLogic",
                       "addMemo", "order", "position", "disable", "excludeRecursion", "preventRecursion",
                       "delayUntilRecursion", "probability", "useProbability", "depth", "group", "groupOverride",
                       "groupWeight", "scanDepth", "caseSensitive", "matchWholeWords", "useGroupScoring", "automationId",
                       "role", "sticky", "cooldown", "delay"}
    assert st_entry_fields <= set(mara)
    assert "玛拉" in dumps_sillytavern(full_book())  # written as text, not \\u escapes
