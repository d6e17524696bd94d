"""Save, open and autosave a Workspace as a `.iijdesk` file (Qt-free).

The format is a zip archive holding JSON and CSV (see docs/workspace-format.md):

    manifest.json            format name and version, app version, time, document list, schemas
    documents/NNNN/original  each imported release's original bytes, unchanged
    documents/NNNN/text.txt  the text the facts were extracted from (UTF-8), so lines never move
    facts.csv                the facts frame, every column; dtypes and NA cells in the manifest
    edits.json               every user edit (fact id, old and new value and printed text, time)
    choices.json             timeline merge choices and conflict choices (ws.choices)
    README.txt               a note for whoever unzips it

Why a zip of JSON + CSV: any tool opens it (unzip, Excel, a text editor), it needs no extra
dependency (Parquet would add pyarrow to the bundle), the releases' bytes go in untouched, and
each part can evolve on its own behind the manifest's `format_version`. Exactness that CSV alone
would lose (dtypes, NA versus "", float bits) is restored from the schema in the manifest.

Saving is atomic: everything is serialised in memory first, then written to a temp file in the
target's directory, flushed, fsynced and moved over the target with os.replace. A failure at any
point removes the temp file, leaves the previous file as it was and raises WorkspaceSaveError
with a message for the user.

`Autosaver` writes the same format to the session's own recovery file while there are unsaved
changes (the first change at once, then at most every AUTOSAVE_INTERVAL_S seconds);
`find_recoveries()` tells the next start which files sessions that did not end cleanly left.
A save killed midway leaves `.NAME.saving-PID-*.tmp`, removed once that process is gone.
"""
from __future__ import annotations

import base64
import csv
import dataclasses
import errno
import hashlib
import io
import itertools
import json
import math
import os
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from iijdesk.core import limits as L

FORMAT_NAME = "iijdesk-workspace"
FORMAT_VERSION = 1
SUFFIX = ".iijdesk"

MANIFEST = "manifest.json"
FACTS = "facts.csv"
EDITS = "edits.json"
CHOICES = "choices.json"
README = "README.txt"

_INDEX_COL = "fact_id"

_README_TEXT = """\
This is an iijdesk workspace: a zip archive. manifest.json describes the rest.
documents/NNNN/original are the imported files exactly as they were; facts.csv is every
number extracted from them (with your edits applied); edits.json lists your edits;
choices.json your timeline and conflict choices. See docs/workspace-format.md.
"""


class WorkspaceFileError(Exception):
    """A workspace file cannot be opened; the message is meant for the user, as is."""


class WorkspaceSaveError(Exception):
    """A workspace could not be saved; the message says why and that the old file is intact."""


# -- public API ---------------------------------------------------------------------------

def save_workspace(ws, path: str | os.PathLike, *, extra: dict | None = None) -> None:
    """Write `ws` to `path` atomically. Raises WorkspaceSaveError (previous file untouched)."""
    path = os.fspath(path)
    try:
        members, manifest = _serialise(ws, extra or {})
    except WorkspaceSaveError:
        raise
    except Exception as e:  # a value we cannot store: nothing has been written yet
        raise WorkspaceSaveError(
            f"Could not save the workspace to {path}: {e}. Nothing was written.") from e
    _atomic_write_zip(path, manifest, members)


def load_workspace(path: str | os.PathLike, workspace_factory: Callable[[], Any] | None = None):
    """Open a workspace file into a new Workspace. Raises WorkspaceFileError."""
    if workspace_factory is None:
        from iijdesk.core.workspace import Workspace as workspace_factory
    ws = workspace_factory()
    restore_into(ws, path)
    return ws


def restore_into(ws, path: str | os.PathLike) -> dict:
    """Replace the contents of `ws` with the workspace at `path` (the GUI keeps its object
    and its event connections). Everything is read and checked before `ws` is touched.
    Returns the manifest."""
    state = read_workspace(path)
    _apply(ws, state)
    return state["manifest"]


def read_workspace(path: str | os.PathLike) -> dict:
    """The parts of a workspace file as plain objects (documents, facts, edits, choices,
    next_id, manifest), migrated to the current format version."""
    path = os.fspath(path)
    name = os.path.basename(path)
    try:
        zf = zipfile.ZipFile(path, "r")
    except FileNotFoundError as e:
        raise WorkspaceFileError(f"{name}: the workspace file does not exist") from e
    except zipfile.BadZipFile as e:
        raise WorkspaceFileError(f"{name}: not an iijdesk workspace, or the file is damaged "
                                 f"(it is not a readable zip archive)") from e
    except OSError as e:
        raise WorkspaceFileError(f"{name}: cannot be read ({e.strerror or e})") from e
    with zf:
        reader = _Members(zf, name)
        try:
            manifest = json.loads(reader.read(MANIFEST).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise WorkspaceFileError(f"{name}: the workspace manifest is damaged ({e})") from e
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise WorkspaceFileError(f"{name}: not an iijdesk workspace (no iijdesk manifest)")
        manifest = migrate(manifest, reader)
        try:
            return _deserialise(manifest, reader)
        except WorkspaceFileError as e:
            if str(e).startswith(f"{name}:"):
                raise
            raise WorkspaceFileError(f"{name}: {e}") from e     # every message names the file
        except Exception as e:
            raise WorkspaceFileError(
                f"{name}: the workspace is damaged and cannot be opened ({type(e).__name__}: {e})"
            ) from e


# -- migrations ---------------------------------------------------------------------------
# A migration takes the manifest of version N (and the member reader, to rewrite parts) and
# returns the manifest of version N + 1. Register one whenever FORMAT_VERSION is raised; old
# files are then upgraded step by step on open and written back in the newest format on save.

MIGRATIONS: dict[int, Callable[[dict, "_Members"], dict]] = {}


def migrate(manifest: dict, reader: "_Members") -> dict:
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise WorkspaceFileError(f"{reader.name}: unknown workspace format version {version!r}")
    if version > FORMAT_VERSION:
        raise WorkspaceFileError(
            f"{reader.name}: this workspace was saved by a newer iijdesk (format {version}; "
            f"this version reads up to {FORMAT_VERSION}). Update iijdesk to open it.")
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise WorkspaceFileError(
                f"{reader.name}: no upgrade from workspace format {version} to {version + 1}")
        manifest = step(manifest, reader)
        version += 1
        manifest["format_version"] = version
    return manifest


# -- serialising --------------------------------------------------------------------------

def _serialise(ws, extra: dict) -> tuple[dict[str, bytes], dict]:
    from iijdesk import __version__

    members: dict[str, bytes] = {}
    docs = []
    for i, (key, doc) in enumerate(ws.documents.items()):
        base = f"documents/{i:04d}"
        raw = bytes(doc.raw or b"")
        members[f"{base}/original"] = raw
        members[f"{base}/text.txt"] = doc.text.encode("utf-8", errors="surrogatepass")
        docs.append({
            "key": key, "name": doc.name, "path": doc.path, "encoding": doc.encoding,
            "source_kind": doc.source_kind, "original": f"{base}/original",
            "text": f"{base}/text.txt", "size": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
        })
    facts_bytes, schema = frame_to_csv(ws.facts)
    members[FACTS] = facts_bytes
    members[EDITS] = _dumps([_edit_to_dict(e) for e in ws.edits])
    members[CHOICES] = _dumps(getattr(ws, "choices", {}) or {})
    members[README] = _README_TEXT.encode("utf-8")
    next_id = int(getattr(ws, "_next_id", 0))
    if len(ws.facts) and pd.api.types.is_integer_dtype(ws.facts.index.dtype):
        next_id = max(next_id, int(ws.facts.index.max()) + 1)
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "documents": docs,
        "facts": {"member": FACTS, "rows": len(ws.facts), "schema": schema},
        "edits": {"member": EDITS, "count": len(ws.edits)},
        "choices": {"member": CHOICES},
        "next_id": next_id,
        "extra": extra,
    }
    return members, manifest


def _deserialise(manifest: dict, reader: "_Members") -> dict:
    from iijdesk.core.document import Document

    documents = {}
    facts_info = manifest["facts"]
    reader.check_facts(facts_info["member"], facts_info["schema"].get("rows"))
    for d in manifest.get("documents", []):
        reader.check_size(d["original"], d.get("size"), f"the stored copy of {d['name']}")
        raw = reader.read(d["original"])
        if "sha256" in d and hashlib.sha256(raw).hexdigest() != d["sha256"]:
            raise WorkspaceFileError(f"{reader.name}: the stored copy of {d['name']} is damaged")
        text = reader.read(d["text"]).decode("utf-8", errors="surrogatepass")
        doc = Document(name=d["name"], text=text, path=d.get("path", ""),
                       encoding=d.get("encoding", "utf-8"),
                       source_kind=d.get("source_kind", "text"), raw=raw)
        documents[d.get("key", d["name"])] = doc
    with reader.open_text(facts_info["member"]) as f:
        facts = csv_to_frame(f, facts_info["schema"])
    edits = [_edit_from_dict(e) for e in _loads(reader.read(manifest["edits"]["member"]))]
    choices = _loads(reader.read(manifest["choices"]["member"]))
    return {"manifest": manifest, "documents": documents, "facts": facts, "edits": edits,
            "choices": choices, "next_id": int(manifest.get("next_id", 0))}


def _apply(ws, state: dict) -> None:
    facts = state["facts"]
    next_id = state["next_id"]
    if len(facts) and pd.api.types.is_integer_dtype(facts.index.dtype):
        next_id = max(next_id, int(facts.index.max()) + 1)
    ws.documents = state["documents"]
    ws.facts = facts
    ws.edits = state["edits"]
    ws.choices = state["choices"]
    ws._next_id = next_id
    for ev in ("documents_changed",):
        if hasattr(ws, ev):
            getattr(ws, ev).emit()
    if hasattr(ws, "facts_changed"):
        ws.facts_changed.emit([])
    ws.recheck_all()            # findings are derived: recomputed, never stored


# -- edits --------------------------------------------------------------------------------

def _edit_to_dict(edit) -> dict:
    if dataclasses.is_dataclass(edit):
        return {f.name: getattr(edit, f.name) for f in dataclasses.fields(edit)}
    return dict(vars(edit))


def _edit_from_dict(d: dict):
    from iijdesk.core.workspace import Edit

    names = {f.name for f in dataclasses.fields(Edit)}
    known = {k: v for k, v in d.items() if k in names}
    edit = Edit(**known)
    for k, v in d.items():          # fields a newer Edit had: kept, not lost
        if k not in names:
            setattr(edit, k, v)
    return edit


# -- tagged JSON (exact floats, tuples, non-string keys, bytes) ------------------------------

def _to_json(o: Any) -> Any:
    if o is None or isinstance(o, (bool, str)):
        return o
    if isinstance(o, (int, np.integer)) and not isinstance(o, bool):
        return int(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    if isinstance(o, (float, np.floating)):
        f = float(o)
        return f if math.isfinite(f) else {"__float__": repr(f)}
    if o is pd.NA:
        return {"__na__": True}
    if isinstance(o, (list,)):
        return [_to_json(v) for v in o]
    if isinstance(o, tuple):
        return {"__tuple__": [_to_json(v) for v in o]}
    if isinstance(o, (set, frozenset)):
        return {"__set__": [_to_json(v) for v in sorted(o, key=repr)]}
    if isinstance(o, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in o):
            return {k: _to_json(v) for k, v in o.items()}
        return {"__dict__": [[_to_json(k), _to_json(v)] for k, v in o.items()]}
    if isinstance(o, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(o)).decode("ascii")}
    if isinstance(o, pd.Timestamp):
        return {"__timestamp__": o.isoformat()}
    if isinstance(o, datetime):
        return {"__datetime__": o.isoformat()}
    raise TypeError(f"a value of type {type(o).__name__} cannot be stored in a workspace")


def _from_json(o: Any) -> Any:
    if isinstance(o, list):
        return [_from_json(v) for v in o]
    if isinstance(o, dict):
        if len(o) == 1:
            (k, v), = o.items()
            if k == "__float__":
                return float(v)
            if k == "__na__":
                return pd.NA
            if k == "__tuple__":
                return tuple(_from_json(x) for x in v)
            if k == "__set__":
                return {_from_json(x) for x in v}
            if k == "__dict__":
                return {_hashable(_from_json(a)): _from_json(b) for a, b in v}
            if k == "__bytes__":
                return base64.b64decode(v)
            if k == "__timestamp__":
                return pd.Timestamp(v)
            if k == "__datetime__":
                return datetime.fromisoformat(v)
        return {k: _from_json(v) for k, v in o.items()}
    return o


def _hashable(v):
    return tuple(_hashable(x) for x in v) if isinstance(v, list) else v


def _dumps(o: Any) -> bytes:
    # ASCII JSON: a file name with undecodable bytes (lone surrogates) survives exactly
    return json.dumps(_to_json(o), ensure_ascii=True, indent=1, allow_nan=False).encode("ascii")


def _loads(b: bytes) -> Any:
    return _from_json(json.loads(b.decode("utf-8")))


# -- frames as CSV + schema ---------------------------------------------------------------
# Every cell is written as text we control (floats as repr, so their bits survive); the schema
# records each column's dtype and, for text columns, which cells were NA (as "" is a value).

def frame_to_csv(df: pd.DataFrame) -> tuple[bytes, dict]:
    columns = []
    cells: list[list[str]] = []
    index = df.index
    # the fact ids are always written as the first column (edits and findings refer to them);
    # a RangeIndex is remembered as one so the frame comes back exactly
    idx_col, idx_schema = _encode_column(pd.Series(index, copy=False), _INDEX_COL)
    if isinstance(index, pd.RangeIndex):
        index_schema = {"kind": "range", "start": index.start, "step": index.step}
    else:
        index_schema = {"kind": "column", **idx_schema}
    if index.name is not None:
        index_schema["index_name"] = index.name
    columns.append(_INDEX_COL)
    cells.append(idx_col)
    col_schemas = []
    for name in df.columns:
        if not isinstance(name, str) or name == _INDEX_COL:
            raise WorkspaceSaveError(f"facts column {name!r} cannot be stored (not a text "
                                     f"name, or the reserved name {_INDEX_COL!r})")
        enc, sch = _encode_column(df[name], name)
        columns.append(name)
        cells.append(enc)
        col_schemas.append(sch)
    buf = io.StringIO(newline="")
    # CRLF rows: the writer then quotes any field holding a lone "\r" or "\n"
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    if cells and len(df):
        w.writerows(zip(*cells))
    schema = {"index": index_schema, "columns": col_schemas, "rows": len(df)}
    return buf.getvalue().encode("utf-8", errors="surrogatepass"), schema


def csv_to_frame(data: bytes | io.TextIOBase, schema: dict) -> pd.DataFrame:
    """The frame of `frame_to_csv`, from its bytes or a text stream (read row by row: a table
    holding more rows than its schema says is refused as soon as the extra row is read)."""
    if isinstance(data, (bytes, bytearray)):
        data = io.StringIO(data.decode("utf-8", errors="surrogatepass"), newline="")
    n = int(schema["rows"])
    reader = csv.reader(data)
    header = next(reader, [])
    body = list(itertools.islice(reader, n))
    extra = next(reader, None) is not None
    if len(body) != n or extra:
        got = f"more than {n}" if extra else f"{len(body)}"
        raise WorkspaceFileError(f"the facts table has {got} rows; the manifest says {n}")
    cols = list(zip(*body)) if body else [()] * len(header)
    by_name = dict(zip(header, cols))
    data_cols = {}
    for sch in schema["columns"]:
        data_cols[sch["name"]] = _decode_column(by_name.get(sch["name"], ("",) * n), sch)
    ix = schema["index"]
    if ix["kind"] == "range":
        index = pd.RangeIndex(ix["start"], ix["start"] + n * ix["step"], ix["step"],
                              name=ix.get("index_name"))
    else:
        index = pd.Index(_decode_column(by_name[_INDEX_COL], ix), name=ix.get("index_name"))
    df = pd.DataFrame(index=index)
    for name, values in data_cols.items():
        # object columns stay object (the constructor would infer "str" for all-text ones)
        dtype = object if isinstance(values, np.ndarray) and values.dtype == object else None
        df[name] = pd.Series(values, index=index, dtype=dtype, copy=False)
    return df


def _encode_column(s: pd.Series, name: str) -> tuple[list[str], dict]:
    dtype = s.dtype
    na = s.isna().to_numpy()
    sch: dict[str, Any] = {"name": name, "dtype": str(dtype)}
    if pd.api.types.is_bool_dtype(dtype):
        enc = ["" if m else ("1" if bool(v) else "0") for v, m in zip(s.tolist(), na)]
        sch["kind"] = "bool"
    elif pd.api.types.is_integer_dtype(dtype):
        enc = ["" if m else str(int(v)) for v, m in zip(s.tolist(), na)]
        sch["kind"] = "int"
    elif pd.api.types.is_float_dtype(dtype):
        enc = ["" if m else repr(float(v)) for v, m in zip(s.tolist(), na)]
        sch["kind"] = "float"
    elif isinstance(dtype, pd.StringDtype) or (dtype == object and all(
            isinstance(v, str) for v, m in zip(s.tolist(), na) if not m)):
        enc = ["" if m else v for v, m in zip(s.tolist(), na)]
        sch["kind"] = "str"
        if na.any():
            sch["na"] = np.flatnonzero(na).tolist()
            sch["na_value"] = _na_kind(s[na].iloc[0])
    elif dtype == object:
        enc = [json.dumps(_to_json(v), ensure_ascii=True, allow_nan=False) for v in s.tolist()]
        sch["kind"] = "json"
    elif isinstance(dtype, pd.CategoricalDtype):
        enc = ["" if m else str(v) for v, m in zip(s.tolist(), na)]
        sch["kind"] = "category"
        sch["categories"] = [str(c) for c in dtype.categories]
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        enc = ["" if m else pd.Timestamp(v).isoformat() for v, m in zip(s.tolist(), na)]
        sch["kind"] = "datetime"
    else:
        raise WorkspaceSaveError(f"facts column {name!r} has a type ({dtype}) a workspace "
                                 f"cannot store")
    return enc, sch


def _na_kind(v) -> str:
    if v is None:
        return "none"
    if v is pd.NA:
        return "na"
    return "nan"


def _decode_column(values, sch: dict):
    kind = sch["kind"]
    dtype = sch["dtype"]
    if kind == "bool":
        if dtype == "bool":
            return pd.array([v == "1" for v in values], dtype="bool")
        return pd.array([None if v == "" else v == "1" for v in values], dtype=dtype)
    if kind == "int":
        if dtype.startswith(("int", "uint")):
            return np.array([int(v) for v in values], dtype=dtype)
        return pd.array([None if v == "" else int(v) for v in values], dtype=dtype)
    if kind == "float":
        arr = [math.nan if v == "" else float(v) for v in values]
        if dtype.startswith("float"):
            return np.array(arr, dtype=dtype)
        return pd.array([None if v == "" else float(v) for v in values], dtype=dtype)
    if kind == "str":
        out = list(values)
        na_value = {"none": None, "na": pd.NA, "nan": math.nan}[sch.get("na_value", "nan")]
        for i in sch.get("na", []):
            out[i] = na_value
        if dtype == "object":
            arr = np.empty(len(out), dtype=object)
            arr[:] = out
            return arr
        return pd.array(out, dtype=pd.api.types.pandas_dtype(dtype))
    if kind == "json":
        arr = np.empty(len(values), dtype=object)
        arr[:] = [_from_json(json.loads(v)) for v in values]
        return arr
    if kind == "category":
        return pd.Categorical([None if v == "" else v for v in values],
                              categories=sch["categories"])
    if kind == "datetime":
        return pd.array(pd.to_datetime([None if v == "" else v for v in values]), dtype=dtype)
    raise WorkspaceFileError(f"unknown column kind {kind!r}")


# -- reading members safely ---------------------------------------------------------------

class _Members:
    """Reads zip members by name, refusing sizes a hostile archive could use to exhaust memory."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.zf = zf
        self.name = name
        infos = zf.infolist()
        if len(infos) > L.MAX_WORKSPACE_MEMBERS:
            raise WorkspaceFileError(f"{name}: too many entries ({len(infos)}) for a workspace")
        total = sum(i.file_size for i in infos)
        if total > L.MAX_WORKSPACE_TOTAL_BYTES:
            raise WorkspaceFileError(
                f"{name}: the workspace would unpack to {total / 2**30:.1f} GiB, over the "
                f"{L.MAX_WORKSPACE_TOTAL_BYTES / 2**30:.0f} GiB limit")
        self.infos = {i.filename: i for i in infos}

    def _info(self, member: str) -> zipfile.ZipInfo:
        info = self.infos.get(member)
        if info is None:
            raise WorkspaceFileError(f"{self.name}: the workspace is incomplete ({member} missing)")
        if info.file_size > L.MAX_WORKSPACE_MEMBER_BYTES:
            raise WorkspaceFileError(
                f"{self.name}: {member} would unpack to {info.file_size / 2**20:,.0f} MiB, over "
                f"the {L.MAX_WORKSPACE_MEMBER_BYTES / 2**20:,.0f} MiB limit; refused")
        if (info.file_size > L.COMPRESSION_RATIO_MIN_BYTES and info.compress_size
                and info.file_size / info.compress_size > L.MAX_WORKSPACE_COMPRESSION_RATIO):
            raise WorkspaceFileError(f"{self.name}: {member} is suspiciously compressed; refused")
        return info

    def check_size(self, member: str, size, what: str) -> None:
        """The manifest gives a member's size: a member of another size is damaged (checked
        from the zip directory, before reading it)."""
        info = self._info(member)
        if isinstance(size, int) and info.file_size != size:
            raise WorkspaceFileError(f"{self.name}: {what} is damaged (its size is "
                                     f"{info.file_size:,} bytes; the manifest says {size:,})")

    def check_facts(self, member: str, rows) -> None:
        """The facts table's declared row count and its unpacked size, before parsing it."""
        info = self._info(member)
        if not isinstance(rows, int) or rows < 0:
            raise WorkspaceFileError(f"{self.name}: the manifest gives no row count for the facts")
        if rows > L.MAX_WORKSPACE_FACTS:
            raise WorkspaceFileError(
                f"{self.name}: the workspace holds {rows:,} facts, more than the "
                f"{L.MAX_WORKSPACE_FACTS:,} iijdesk opens; refused")
        budget = (rows + 1) * L.MAX_FACT_ROW_BYTES
        if info.file_size > budget:
            raise WorkspaceFileError(
                f"{self.name}: its facts table would unpack to {info.file_size / 2**20:,.0f} MiB "
                f"for {rows:,} facts (at most {L.MAX_FACT_ROW_BYTES:,} bytes a fact); the file "
                f"is damaged or not made by iijdesk; refused")

    def open_text(self, member: str):
        """A member as a text stream (UTF-8, newlines kept), read on demand."""
        info = self._info(member)
        try:
            raw = self.zf.open(info)
        except (zipfile.BadZipFile, zlib_error(), EOFError, OSError) as e:
            raise WorkspaceFileError(f"{self.name}: the workspace is damaged ({member}: {e})") from e
        return _DamageAsFileError(io.TextIOWrapper(raw, encoding="utf-8", errors="surrogatepass",
                                                   newline=""), self.name, member)

    def read(self, member: str) -> bytes:
        info = self._info(member)
        try:
            with self.zf.open(info) as f:
                data = f.read(L.MAX_WORKSPACE_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, zlib_error(), EOFError, OSError) as e:
            raise WorkspaceFileError(f"{self.name}: the workspace is damaged ({member}: {e})") from e
        if len(data) > L.MAX_WORKSPACE_MEMBER_BYTES:
            raise WorkspaceFileError(f"{self.name}: {member} is too large to open")
        return data


class _DamageAsFileError:
    """A text stream whose read errors (a corrupt deflate stream, a CRC mismatch at its end)
    become WorkspaceFileError naming the file. Iterates lines, for csv.reader."""

    def __init__(self, f, name: str, member: str) -> None:
        self.f, self.name, self.member = f, name, member

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.f.close()

    def __iter__(self):
        return self

    def __next__(self) -> str:
        try:
            line = self.f.readline(_MAX_LINE_CHARS)
        except (zipfile.BadZipFile, zlib_error(), EOFError, OSError, UnicodeError) as e:
            raise WorkspaceFileError(
                f"{self.name}: the workspace is damaged ({self.member}: {e})") from e
        if not line:
            raise StopIteration
        if len(line) == _MAX_LINE_CHARS and not line.endswith("\n"):
            raise WorkspaceFileError(f"{self.name}: the workspace is damaged ({self.member} has "
                                     f"a line longer than {_MAX_LINE_CHARS:,} characters)")
        return line


# No line of a member read as text is longer (csv's own field limit is 128 KiB).
_MAX_LINE_CHARS = 1 << 20


def zlib_error():
    import zlib
    return zlib.error


# -- atomic write -------------------------------------------------------------------------

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.EFBIG: "the file is too large for the file system",
    errno.ENOENT: "the folder does not exist",
    errno.EIO: "an input/output error occurred",
}


def _reason(e: BaseException) -> str:
    if isinstance(e, OSError) and e.errno in _REASONS:
        return _REASONS[e.errno]
    if isinstance(e, OSError):
        return e.strerror or str(e)
    return f"{type(e).__name__}: {e}"


# A save writes `.NAME.saving-PID-RANDOM.tmp` next to NAME: hidden, named after the file it
# will replace and the process writing it, so the next start (or save) knows it for an
# interrupted save's leftover once that process is gone.
_TEMP_MARK = ".saving-"
_TEMP_SUFFIX = ".tmp"


def temp_name_prefix(base: str) -> str:
    return f".{base}{_TEMP_MARK}{os.getpid()}-"


def _open_temp(directory: str, base: str):
    """A new temp file next to the target: (path, binary file object)."""
    fd, tmp = tempfile.mkstemp(prefix=temp_name_prefix(base), suffix=_TEMP_SUFFIX, dir=directory)
    return tmp, os.fdopen(fd, "wb")


def _atomic_write_zip(path: str, manifest: dict, members: dict[str, bytes]) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    existed = os.path.exists(path)
    intact = ("The previous file is unchanged." if existed else "Nothing was written.")
    _remove_stale_temps(directory, base)
    tmp = None
    try:
        tmp, f = _open_temp(directory, base)
        with f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                # the manifest first, so a reader can describe the file from its first bytes
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=True, indent=1,
                                                 allow_nan=False).encode("ascii"))
                for name, data in members.items():
                    zf.writestr(name, data)
            f.flush()
            os.fsync(f.fileno())
        _replace(tmp, path)
        tmp = None
        _fsync_dir(directory)
    except BaseException as e:
        if tmp is not None:
            try:
                os.remove(tmp)
            except OSError:
                pass
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        raise WorkspaceSaveError(
            f"Could not save the workspace to {path}: {_reason(e)}. {intact}") from e


def _replace(src: str, dst: str) -> None:
    for attempt in range(L.REPLACE_RETRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == L.REPLACE_RETRIES - 1:
                raise
            time.sleep(L.REPLACE_RETRY_DELAY_S)


def _fsync_dir(directory: str) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_pid(name: str) -> int | None:
    """The writer's process id in a temp file's name (None: not one of ours, or an old name)."""
    if not (name.startswith(".") and name.endswith(_TEMP_SUFFIX)) or _TEMP_MARK not in name:
        return None
    pid = name.rsplit(_TEMP_MARK, 1)[1].split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def _pid_alive(pid: int) -> bool | None:
    """Is process `pid` running? None where this cannot be asked safely (Windows' os.kill
    would end the process)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True             # it exists (another user's)
    return True


def _remove_stale_temps(directory: str, base: str | None = None,
                        dead: Callable[[str], bool] | None = None) -> list[str]:
    """Temp files of saves killed mid-write (a crash) next to `base` (any file when None):
    removed when their writer is gone, or, where that cannot be told, when older than
    STALE_TEMP_AGE_S; `dead(target name)` may say so for a target (a recovery file no live
    session holds). Returns the names removed."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    now = time.time()
    removed = []
    for n in names:
        if not (n.startswith(".") and n.endswith(_TEMP_SUFFIX)):
            continue
        if _TEMP_MARK in n:
            target = n[1:].rsplit(_TEMP_MARK, 1)[0]
        elif base is not None and n.startswith(f".{base}."):
            target = base           # a temp name of an earlier version: age only
        else:
            continue
        if base is not None and target != base:
            continue
        p = os.path.join(directory, n)
        pid = _temp_pid(n)
        alive = _pid_alive(pid) if pid is not None else None
        try:
            gone = (alive is False or (dead is not None and pid != os.getpid() and dead(target))
                    or now - os.path.getmtime(p) > L.STALE_TEMP_AGE_S)
            if gone:
                os.remove(p)
                removed.append(n)
        except OSError:
            pass
    return removed


# -- unsaved changes and autosave ---------------------------------------------------------

def fingerprint(ws) -> tuple:
    """A cheap summary of everything a workspace file holds; equal means nothing to save."""
    docs = tuple((k, len(d.raw or b""), len(d.text)) for k, d in ws.documents.items())
    facts = ws.facts
    last = int(facts.index[-1]) if len(facts) and pd.api.types.is_integer_dtype(
        facts.index.dtype) else None
    edits = tuple((e.fact_id, e.new_value, e.new_printed, e.at) for e in ws.edits)
    try:
        choices = hash(_dumps(getattr(ws, "choices", {}) or {}))
    except Exception:
        choices = None          # unsavable choices: the save itself will say so
    return docs, len(facts), last, hash(edits), choices


class ChangeTracker:
    """Has the workspace changed since it was last saved (or opened)? For the close prompt."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self._flag = False
        self._clean = fingerprint(ws)
        for ev in ("documents_changed", "facts_changed"):
            if hasattr(ws, ev):
                getattr(ws, ev).connect(self._on_change)

    def _on_change(self, *args, **kwargs) -> None:
        self._flag = True

    @property
    def dirty(self) -> bool:
        return self._flag or fingerprint(self.ws) != self._clean

    def mark_dirty(self) -> None:
        self._flag = True

    def mark_clean(self) -> None:
        self._flag = False
        self._clean = fingerprint(self.ws)

    def close(self) -> None:
        for ev in ("documents_changed", "facts_changed"):
            if hasattr(self.ws, ev):
                getattr(self.ws, ev).disconnect(self._on_change)


def default_recovery_dir() -> str:
    """Per-user state folder: %LOCALAPPDATA%\\iijdesk, ~/Library/Application Support/iijdesk,
    or $XDG_STATE_HOME/iijdesk (~/.local/state/iijdesk). IIJDESK_RECOVERY_DIR overrides."""
    env = os.environ.get("IIJDESK_RECOVERY_DIR")
    if env:
        return env
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
    elif sys.platform == "darwin":
        root = os.path.expanduser("~/Library/Application Support")
    else:
        root = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(root, "iijdesk")


def default_recovery_path() -> str:
    return os.path.join(default_recovery_dir(), "recovery" + SUFFIX)


@dataclass
class RecoveryInfo:
    path: str                 # the recovery file
    saved_at: str             # ISO time of the autosave
    documents: list[str]      # names of the releases it holds
    n_edits: int
    workspace_path: str       # the .iijdesk file the user had open ("" if never saved)
    readable: bool = True
    message: str = ""         # why it cannot be restored, when not readable

    def describe(self) -> str:
        if not self.readable:
            return f"A recovery file was found but cannot be restored: {self.message}"
        what = f"{len(self.documents)} release(s), {self.n_edits} edit(s)"
        where = f" of {os.path.basename(self.workspace_path)}" if self.workspace_path else ""
        return f"Unsaved work{where} from {self.saved_at} can be restored ({what})."


def find_recovery(path: str | os.PathLike | None = None) -> RecoveryInfo | None:
    """The recovery file at `path` (default: the first session's), or None if there is none."""
    path = os.fspath(path) if path is not None else default_recovery_path()
    if not os.path.exists(path):
        return None
    name = os.path.basename(path)
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(_Members(zf, name).read(MANIFEST))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise WorkspaceFileError(f"{name}: not an iijdesk workspace")
    except WorkspaceFileError as e:
        return RecoveryInfo(path, "", [], 0, "", readable=False, message=str(e))
    except (OSError, zipfile.BadZipFile, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        return RecoveryInfo(path, "", [], 0, "", readable=False, message=f"{name}: {why}")
    extra = manifest.get("extra") or {}
    return RecoveryInfo(
        path=path, saved_at=manifest.get("saved_at", ""),
        documents=[d.get("name", "") for d in manifest.get("documents", [])],
        n_edits=int(manifest.get("edits", {}).get("count", 0)),
        workspace_path=extra.get("workspace_path", ""))


# -- one recovery file per running session ------------------------------------------------
# Each session autosaves to its own file: `recovery.iijdesk`, or `recovery-2.iijdesk` ... when
# that one is taken, and holds `FILE.lock` locked while it runs (the operating system drops the
# lock when the process dies, kill -9 included). A recovery file whose lock nobody holds was
# left by a session that did not end cleanly: it is offered back, and kept until the user
# answers (restore or discard), however often the app is started and killed meanwhile.

def _session_paths(base: str) -> Iterable[str]:
    stem, ext = os.path.splitext(base)
    yield base
    for k in itertools.count(2):
        yield f"{stem}-{k}{ext}"


def _recovery_files(base: str) -> list[str]:
    """Every recovery file of the sessions sharing `base`'s folder and name."""
    directory = os.path.dirname(os.path.abspath(base)) or "."
    stem, ext = os.path.splitext(os.path.basename(base))
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    out = []
    for n in names:
        if n == stem + ext or (n.startswith(stem + "-") and n.endswith(ext)
                               and n[len(stem) + 1: len(n) - len(ext)].isdigit()):
            out.append(os.path.join(directory, n))
    return out


def _try_lock(path: str):
    """An open file holding an exclusive lock on `path`, or None if another holds it."""
    try:
        f = open(path, "a+b")
    except OSError:
        return None
    try:
        if sys.platform == "win32":
            import msvcrt
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return None
    return f


def _held_by_a_live_session(recovery_path: str) -> bool:
    if not os.path.exists(recovery_path + ".lock"):
        return False
    lock = _try_lock(recovery_path + ".lock")
    if lock is None:
        return True
    lock.close()
    return False


def find_recoveries(base: str | os.PathLike | None = None) -> list[RecoveryInfo]:
    """At start: the recovery files left by sessions that did not end cleanly (none of them
    running now), newest first."""
    base = os.fspath(base) if base is not None else default_recovery_path()
    found = []
    for path in _recovery_files(base):
        if _held_by_a_live_session(path):
            continue
        info = find_recovery(path)
        if info is not None:
            try:
                found.append((os.path.getmtime(path), info))
            except OSError:
                continue
    return [info for _, info in sorted(found, key=lambda x: -x[0])]


class Autosaver:
    """Writes the workspace to this session's recovery file while it has unsaved changes
    (Qt-free).

    The GUI calls `maybe_save()` from a QTimer (every AUTOSAVE_TICK_S), `save_now()` when
    quitting without saving, `mark_clean()` after File > Save or Open (which removes this
    session's recovery file) and `close()` at the end. The first change is saved at the first
    tick, later ones once the last save is `interval` old: at most interval + tick of work is
    lost. `pending` lists the recovery files earlier sessions left (newest first);
    `restore()` and `discard_pending()` answer for one of them. Autosave keeps running while
    they are unanswered: this session never writes to their files. Failures never raise:
    they are kept in `last_error` (and passed to `on_error`) and retried on the next tick.
    """

    def __init__(self, ws, path: str | os.PathLike | None = None,
                 interval: float = L.AUTOSAVE_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic,
                 workspace_path: str = "",
                 on_error: Callable[[str], None] | None = None) -> None:
        self.ws = ws
        self.base = os.fspath(path) if path is not None else default_recovery_path()
        self.interval = float(interval)
        self.clock = clock
        self.workspace_path = workspace_path
        self.on_error = on_error
        self.last_error = ""
        self.saves = 0
        self._last_save = -math.inf          # the first change is saved at once
        self._tracker = ChangeTracker(ws)
        self._lock = None
        directory = os.path.dirname(os.path.abspath(self.base))
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError:
            pass
        self.pending = find_recoveries(self.base)
        self.path = self._claim()
        # interrupted saves of sessions that are gone: cleaned now, whatever their age
        mine = os.path.basename(self.path)
        ours = {os.path.basename(p) for p in itertools.islice(_session_paths(self.base), 1000)}

        def dead(target: str) -> bool:
            return target != mine and target in ours and not _held_by_a_live_session(
                os.path.join(directory, target))

        self.removed_temps = _remove_stale_temps(directory, None, dead=dead)

    def _claim(self) -> str:
        """The first recovery file name no file and no live session has; locked for this one."""
        taken = set(_recovery_files(self.base))
        for candidate in itertools.islice(_session_paths(self.base), 1000):
            if candidate in taken or os.path.exists(candidate):
                continue
            lock = _try_lock(candidate + ".lock")
            if lock is None:
                continue
            self._lock = lock
            return candidate
        return _session_paths(self.base).__next__()   # unreachable in practice: share the first

    @property
    def dirty(self) -> bool:
        """Unsaved changes not yet in the recovery file."""
        return self._tracker.dirty

    def mark_dirty(self) -> None:
        """For changes the workspace emits no event for (e.g. ws.choices set directly)."""
        self._tracker.mark_dirty()

    def maybe_save(self, now: float | None = None) -> bool:
        now = self.clock() if now is None else now
        if not self.dirty or now - self._last_save < self.interval:
            return False
        return self._save(now)

    def save_now(self) -> bool:
        if not self.dirty:
            return False
        return self._save(self.clock())

    def _save(self, now: float) -> bool:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
            save_workspace(self.ws, self.path, extra={"workspace_path": self.workspace_path,
                                                      "recovery": True})
        except (WorkspaceSaveError, OSError) as e:
            self.last_error = str(e)
            if self.on_error:
                self.on_error(self.last_error)
            return False
        self.last_error = ""
        self._last_save = now
        self._tracker.mark_clean()
        self.saves += 1
        return True

    def mark_clean(self, workspace_path: str | None = None) -> None:
        """The user saved (or opened) a workspace: nothing of this session to recover any more
        (the files earlier sessions left stay until answered)."""
        if workspace_path is not None:
            self.workspace_path = workspace_path
        self._tracker.mark_clean()
        self._last_save = self.clock()
        self.discard()

    def discard(self) -> None:
        """Remove this session's recovery file."""
        _remove(self.path)

    def find_recovery(self) -> RecoveryInfo | None:
        """The newest recovery file an earlier session left, unanswered; None if none."""
        return self.pending[0] if self.pending else None

    def _pending_path(self, info: RecoveryInfo | str | None) -> str:
        if info is None:
            if not self.pending:
                raise WorkspaceFileError("there is no unsaved work of an earlier session")
            return self.pending[0].path
        return info.path if isinstance(info, RecoveryInfo) else os.fspath(info)

    def restore(self, info: RecoveryInfo | str | None = None) -> dict:
        """Load an earlier session's recovery file (the newest by default) into the workspace.
        It is this session's unsaved work now: written to this session's recovery file at
        once, and the earlier file removed only when that has worked."""
        path = self._pending_path(info)
        manifest = restore_into(self.ws, path)
        self.workspace_path = (manifest.get("extra") or {}).get("workspace_path", "")
        self._tracker.mark_dirty()
        if os.path.abspath(path) == os.path.abspath(self.path) or self._save(self.clock()):
            self._forget(path, remove=os.path.abspath(path) != os.path.abspath(self.path))
        return manifest

    def set_aside(self) -> RecoveryInfo | None:
        """Keep this session's recovery file as one of the unanswered ones (offered after the
        others) before its work is replaced: restoring an earlier session loses nothing."""
        if not os.path.exists(self.path):
            return None
        for candidate in itertools.islice(_session_paths(self.base), 1000):
            if candidate == self.path or os.path.exists(candidate) or \
                    os.path.exists(candidate + ".lock"):
                continue
            try:
                os.replace(self.path, candidate)
            except OSError as e:
                self.last_error = f"Could not keep the unsaved work aside: {_reason(e)}"
                return None
            info = find_recovery(candidate)
            if info is not None:
                self.pending.append(info)
            return info
        return None

    def discard_pending(self, info: RecoveryInfo | str | None = None) -> None:
        """The user does not want an earlier session's work back: its file is removed."""
        self._forget(self._pending_path(info), remove=True)

    def _forget(self, path: str, remove: bool) -> None:
        if remove:
            _remove(path)
            _remove(path + ".lock")
        self.pending = [p for p in self.pending if os.path.abspath(p.path) != os.path.abspath(path)]

    def close(self) -> None:
        """The session ends: its recovery file (if it has unsaved work) stays for the next."""
        self._tracker.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
            if not os.path.exists(self.path):
                _remove(self.path + ".lock")


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass
