"""Refreshes resources/translations/inkwell_zh_CN.ts from the code (pyside6-lupdate) and
reports strings that still lack a translation. `make translations` runs it; with
--fill FILE.json it also fills translations from a {source: translation} map."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "inkwell_zh_CN.ts"


# The interface, and the core and engine whose messages it shows (marked with QT_TRANSLATE_NOOP).
SOURCE_FOLDERS = ("app/ui", "app/core", "app/engine")


def sources(root: Path = ROOT) -> list[str]:
    return sorted(str(p.relative_to(root)) for folder in SOURCE_FOLDERS for p in (root / folder).rglob("*.py"))


def known_translations(ts: Path = TS) -> dict[str, str]:
    """Every finished translation in the file, by source text, whatever its context."""
    known = {}
    for message in ET.parse(ts).iter("message"):
        translation = message.find("translation")
        if translation is not None and (translation.text or "").strip() and translation.get("type") is None:
            known[message.findtext("source") or ""] = translation.text
    return known


def update(ts: Path = TS) -> None:
    """Refreshes the file from the code. A string that moved to another class keeps the
    translation it had in its old one."""
    known = known_translations(ts)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), "-silent", "-no-obsolete", *sources(), "-ts", str(ts)], check=True, cwd=ROOT)
    fill(ts, {source: text for source, text in known.items() if source in untranslated(ts)})


def untranslated(ts: Path = TS) -> list[str]:
    tree = ET.parse(ts)
    missing = []
    for message in tree.iter("message"):
        translation = message.find("translation")
        if translation is None or not (translation.text or "").strip() or translation.get("type") == "unfinished":
            missing.append(message.findtext("source") or "")
    return missing


def fill(ts: Path, mapping: dict[str, str]) -> None:
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if source in mapping and translation is not None:
            translation.text = mapping[source]
            translation.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fill", nargs="*", default=[], help="JSON files mapping source text to Chinese")
    args = parser.parse_args()
    update()
    for name in args.fill:
        fill(TS, json.loads(Path(name).read_text(encoding="utf-8")))
    missing = untranslated()
    for source in missing:
        print(f"untranslated: {source!r}")
    print(f"{TS.name}: {len(missing)} strings without a translation")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
