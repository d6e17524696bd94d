"""Bytes -> Document. One reader per format; `load` picks by content, not by name alone."""
from __future__ import annotations

import os

from iijdesk.core.document import Document, NotAReleaseError

__all__ = ["load", "load_bytes", "Document", "NotAReleaseError"]


def load(path: str | os.PathLike) -> Document:
    """Read a file into a Document. Raises NotAReleaseError with a user-facing message."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise NotAReleaseError(f"{os.path.basename(path)}: cannot be read ({e.strerror or e})") from e
    return load_bytes(os.path.basename(path), raw, path=path)


def load_bytes(name: str, raw: bytes, path: str = "") -> Document:
    if not raw.strip():
        raise NotAReleaseError(f"{name}: the file is empty")
    text = raw.decode("utf-8-sig", errors="replace")
    return Document(name=name, text=text, path=path, raw=raw)
