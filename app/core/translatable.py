"""Text composed in the core that the interface shows in its own language.

The core cannot use Qt, so it writes its messages in English and marks them with
QT_TRANSLATE_NOOP, which pyside6-lupdate finds by name (it reads the source, it does not run
it). What the marker returns is still the English text, so the CLI, logs and tests read it as
before; the interface looks up its context and template and fills in the same values
(app.ui.i18n.translated)."""

from __future__ import annotations


class Translatable(str):
    """English text that remembers how it was made: a template in a translation context, and
    the values put into its {placeholders} (which may be Translatable themselves)."""

    context: str
    template: str
    values: dict[str, object]

    def __new__(cls, context: str, template: str, values: dict[str, object] | None = None) -> Translatable:
        values = dict(values or {})
        self = super().__new__(cls, template.format(**values) if values else template)
        self.context, self.template, self.values = context, template, values
        return self

    def format(self, **values: object) -> Translatable:  # type: ignore[override]
        """The same message with its placeholders filled (keywords only, like every template here)."""
        return Translatable(self.context, self.template, {**self.values, **values})

    def __getnewargs__(self) -> tuple[str, str, dict[str, object]]:  # pickling keeps the parts
        return self.context, self.template, self.values


def QT_TRANSLATE_NOOP(context: str, text: str) -> Translatable:  # noqa: N802 - the name lupdate looks for
    return Translatable(context, text)


def joined(texts: list[str], separator: str = "\n") -> Translatable:
    """Texts one after another, each still translatable (the joint itself has nothing to translate)."""
    names = [f"text{index}" for index in range(len(texts))]
    return Translatable("", separator.join("{" + name + "}" for name in names), dict(zip(names, texts)))


def message_of(error: BaseException) -> str:
    """What an exception says: the Translatable it was raised with, or its English text."""
    if len(error.args) == 1 and isinstance(error.args[0], Translatable):
        return error.args[0]
    return str(error)
