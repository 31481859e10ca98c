"""Standard output that cannot end a command: a full disk (`> /dev/full`), a reader gone (`| head`) or a closed
stdout (`>&-`) would raise from the middle of a print, after training and before the run is kept. The command
goes on (its files written, its run kept); the entry point says what happened, in one line, at the end."""

from __future__ import annotations

import errno
import io


class GuardedOutput(io.TextIOBase):
    def __init__(self, stream):
        self.stream = stream
        self.failure: OSError | None = None if stream is not None else OSError(errno.EBADF, "it is closed")

    def write(self, text: str) -> int:
        if self.failure is None:
            try:
                return self.stream.write(text)
            except OSError as error:
                self.failure = error
        return len(text)

    def flush(self) -> None:
        if self.failure is None:
            try:
                self.stream.flush()
            except OSError as error:
                self.failure = error

    def isatty(self) -> bool:
        return self.failure is None and self.stream.isatty()

    def fileno(self) -> int:
        if self.stream is None:
            raise io.UnsupportedOperation("standard output is closed")
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True

    @property
    def reader_gone(self) -> bool:
        return isinstance(self.failure, BrokenPipeError)

    def words(self) -> str:
        return f"could not write to standard output: {self.failure.strerror or self.failure}"
