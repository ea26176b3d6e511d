"""The command line (`inkwell`): the entry point is ``main``."""

from app.cli.main import main

__all__ = ["main"]
