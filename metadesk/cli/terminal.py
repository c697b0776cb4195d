"""What the command line prints passes through here: control characters and terminal escape
sequences from a file (a column named "\\x1b]0;pwned\\x07") are dropped, never sent to the terminal.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 controls but tab, newline and carriage return (the progress bar redraws with it), DEL, C1
# controls (0x9b starts a sequence on some terminals), and the bidirectional overrides that make
# text read differently from what it is.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """`text` without control characters or escape sequences' introducers."""
    return _UNSAFE.sub("", text)


class SafeStream:
    """A text stream that writes `plain()` text to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(plain(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
