"""The README's screenshot script works, in both themes and both languages."""

import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))

import screenshot  # noqa: E402


def test_screenshots_in_both_themes_and_languages(qapp, tmp_path):
    images = {}
    for name, language, theme in (("light", "en", "light"), ("dark", "en", "dark"), ("zh", "zh_CN", "light")):
        path, models = screenshot.take(tmp_path, name, language, theme, quick=True)
        for shot in (path, models):
            image = QImage(str(shot))
            assert not image.isNull() and image.width() > 800 and image.height() > 500
        images[name] = QImage(str(path))
    # Dark is darker: compare the average lightness of a strip of the conversation.
    def lightness(image):
        samples = [image.pixelColor(x, image.height() // 2).lightness() for x in range(300, 900, 10)]
        return sum(samples) / len(samples)

    assert lightness(images["dark"]) < lightness(images["light"]) - 60
    assert images["zh"] != images["light"]
