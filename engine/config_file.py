"""Settings as TOML: `[data]`, `[model]` and `[training]` tables of the schema's settings, and a `[sweep]` table
of where a sweep trains (`executor`, `scheduler`), which `annclf-tui sweep` reads and the rest leave alone."""

from __future__ import annotations

import os
import tomllib

import tomli_w

from .atomic import open_input, write_text
from .errors import FileProblem, SettingError
from .schema import BY_NAME, SECTIONS, Settings, from_values


def settings_to_toml(settings: Settings) -> str:
    return tomli_w.dumps(settings.to_sections())


def _document(text: str, source: str) -> dict:
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write one
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(source, f"is not valid TOML: {error}") from None
    except RecursionError:
        raise FileProblem(source, "is not a settings file: its tables are nested too deeply") from None
    except ValueError:  # an integer of thousands of digits: Python's int() refuses it (int_max_str_digits)
        raise FileProblem(source, "is not valid TOML: it holds a number of thousands of digits") from None


# a settings file is a few hundred bytes; one past this is something else, refused before it is parsed (a
# 227 MB file took 31 s to fail in the TOML parser)
MAX_BYTES = 1 << 20


def _read(path: str | os.PathLike) -> str:
    try:
        with open_input(path, "a settings file") as handle:  # a FIFO or a device: refused, never waited on
            text = handle.read(MAX_BYTES + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise FileProblem(str(path), f"cannot be read: {getattr(error, 'strerror', None) or error}") from None
    if len(text) > MAX_BYTES:
        raise FileProblem(str(path), f"is over {MAX_BYTES >> 20} MiB: not a settings file (those are a few lines)")
    return text


def settings_from_toml(text: str, source: str = "<text>", base: Settings | None = None) -> Settings:
    return _settings(_document(text, source), source, base)


def _settings(document: dict, source: str, base: Settings | None) -> Settings:
    values = {}
    for section, table in document.items():
        if section == SWEEP:
            _sweep_table(table, source)  # a mistake in it is named wherever the file is read
            continue
        if section in SECTIONS and not isinstance(table, dict):
            raise FileProblem(source, f"{section} must be a table of settings ([{section}] and a line per "
                                      f"setting), not {table!r}"[:200])
        if section not in SECTIONS and section in BY_NAME and not isinstance(table, dict):
            raise FileProblem(source, f"{section} is outside any table; put it under [{BY_NAME[section].section}]")
        if section not in SECTIONS:
            raise FileProblem(source, f"unknown table [{section}]; expected "
                                      + ", ".join(f"[{s}]" for s in (*SECTIONS, SWEEP)))
        for name, value in table.items():
            if name in BY_NAME and BY_NAME[name].section != section:
                raise FileProblem(source, f"{name} belongs in [{BY_NAME[name].section}], not [{section}]")
            values[name] = value
    try:
        return from_values(values, base)
    except SettingError as error:
        raise FileProblem(source, f"setting {error}") from None


SWEEP = "sweep"
EXECUTORS = ("local", "dask")


def _sweep_table(table, source: str) -> dict[str, str]:
    """The `[sweep]` table checked: executor local or dask, scheduler an address (text)."""
    if not isinstance(table, dict):
        raise FileProblem(source, f"sweep must be a table ([sweep] and a line per option), not {table!r}"[:200])
    for name, value in table.items():
        if name not in ("executor", "scheduler"):
            raise FileProblem(source, f"[sweep] has no option {name!r}; it takes executor and scheduler"[:200])
        if not isinstance(value, str) or not value.strip():
            raise FileProblem(source, f"[sweep] {name} must be text, not {value!r}"[:200])
    if table.get("executor", "local") not in EXECUTORS:
        raise FileProblem(source, f"[sweep] executor is local or dask, not {table['executor']!r}"[:200])
    return dict(table)


def load_config(path: str | os.PathLike, base: Settings | None = None) -> tuple[Settings, dict[str, str]]:
    """The settings of a file (see load_settings) and its `[sweep]` table ({} without one), read once:
    {"executor": "dask", "scheduler": "tcp://…"}."""
    document = _document(_read(path), str(path))
    settings = _settings(document, str(path), base)
    if settings.csv and not os.path.isabs(settings.csv):
        folder = os.path.dirname(os.path.abspath(path))
        settings = settings.replace(csv=os.path.normpath(os.path.join(folder, settings.csv)))
    return settings, _sweep_table(document[SWEEP], str(path)) if SWEEP in document else {}


def load_settings(path: str | os.PathLike, base: Settings | None = None) -> Settings:
    """A relative CSV path in the file is relative to the file's folder (as save_settings writes it)."""
    return load_config(path, base)[0]


def save_settings(settings: Settings, path: str | os.PathLike) -> None:
    """A CSV path is written relative to the file's folder, so that the file is read the same from anywhere."""
    if settings.csv:
        folder = os.path.dirname(os.path.abspath(path))
        settings = settings.replace(csv=os.path.relpath(os.path.abspath(settings.csv), folder))
    write_text(path, settings_to_toml(settings))
