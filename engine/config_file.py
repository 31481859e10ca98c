"""Settings as TOML: `[data]`, `[model]` and `[training]` tables of the schema's settings."""

from __future__ import annotations

import os
import tomllib

import tomli_w

from .atomic import open_input, write_text
from .errors import FileProblem, SettingError
from .schema import BY_NAME, SECTIONS, Settings, from_values


def settings_to_toml(settings: Settings) -> str:
    return tomli_w.dumps(settings.to_sections())


def settings_from_toml(text: str, source: str = "<text>", base: Settings | None = None) -> Settings:
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write one
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(source, f"is not valid TOML: {error}") from None
    except RecursionError:
        raise FileProblem(source, "is not a settings file: its tables are nested too deeply") from None
    except ValueError:  # an integer of thousands of digits: Python's int() refuses it (int_max_str_digits)
        raise FileProblem(source, "is not valid TOML: it holds a number of thousands of digits") from None
    values = {}
    for section, table in document.items():
        if section in SECTIONS and not isinstance(table, dict):
            raise FileProblem(source, f"{section} must be a table of settings ([{section}] and a line per "
                                      f"setting), not {table!r}"[:200])
        if section not in SECTIONS:
            raise FileProblem(source, f"unknown table [{section}]; expected " + ", ".join(f"[{s}]" for s in SECTIONS))
        for name, value in table.items():
            if name in BY_NAME and BY_NAME[name].section != section:
                raise FileProblem(source, f"{name} belongs in [{BY_NAME[name].section}], not [{section}]")
            values[name] = value
    try:
        return from_values(values, base)
    except SettingError as error:
        raise FileProblem(source, f"setting {error}") from None


def load_settings(path: str | os.PathLike, base: Settings | None = None) -> Settings:
    """A relative CSV path in the file is relative to the file's folder (as save_settings writes it)."""
    try:
        with open_input(path, "a settings file") as handle:  # a FIFO or a device: refused, never waited on
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise FileProblem(str(path), f"cannot be read: {getattr(error, 'strerror', None) or error}") from None
    settings = settings_from_toml(text, str(path), base)
    if settings.csv and not os.path.isabs(settings.csv):
        folder = os.path.dirname(os.path.abspath(path))
        settings = settings.replace(csv=os.path.normpath(os.path.join(folder, settings.csv)))
    return settings


def save_settings(settings: Settings, path: str | os.PathLike) -> None:
    """A CSV path is written relative to the file's folder, so that the file is read the same from anywhere."""
    if settings.csv:
        folder = os.path.dirname(os.path.abspath(path))
        settings = settings.replace(csv=os.path.relpath(os.path.abspath(settings.csv), folder))
    write_text(path, settings_to_toml(settings))
