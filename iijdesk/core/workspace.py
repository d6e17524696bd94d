"""The loaded releases, their facts and findings, and the user's edits.

The GUI and the CLI both sit on this object and never reach below it. Fact ids are the
facts frame's index labels: unique within the workspace and stable across imports and edits.

A document is identified by its content (SHA-256 of the bytes) and the file it was read
from, never by its name alone: the same file imported again is the document already loaded
(the result says so); two different files with one name are two documents. The name shown
to users (and written in the facts' `doc` column) is unique in the workspace: the file name,
or, when another document already has it, the file name with as much of its folder as makes
it unique ("q3/release.txt"), else a number ("release.txt (2)"). The scorers match
documents by base name, which the folder prefix keeps.

Importing reads one file at a time under a time limit and a CancelToken
(iijdesk.core.interrupt): a file that takes too long is stopped and reported, a cancel stops
the file being read and skips the rest; what was read before stays, and is checked.
"""
from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core import limits
from iijdesk.core import reconcile
from iijdesk.core.document import Document, NotAReleaseError
from iijdesk.core.events import Event
from iijdesk.core.extract import extract_document
from iijdesk.core.ingest import load
from iijdesk.core.reconcile.partition import PartitionedEngine
from iijdesk.core.interrupt import CancelToken, Cancelled, TooSlow, run_interruptible

LOADED, FAILED, DUPLICATE, CANCELLED = "loaded", "failed", "duplicate", "cancelled"


@dataclass
class ImportResult:
    name: str             # the document's name in the workspace (or the file's, if not loaded)
    path: str
    ok: bool              # the file was loaded now
    message: str = ""     # why not, or a note (a name made unique, identical to another file)
    n_tables: int = 0
    n_facts: int = 0
    status: str = ""      # loaded | failed | duplicate (already loaded) | cancelled

    def __post_init__(self) -> None:
        if not self.status:
            self.status = LOADED if self.ok else FAILED


@dataclass
class Edit:
    fact_id: int
    old_value: float
    new_value: float
    old_printed: str
    new_printed: str
    at: float = field(default_factory=time.time)


Progress = Callable[[int, int, str], None]


class Workspace:
    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        # The facts frame, and the frames of documents imported since it was last read: an
        # import appends its document's frame here and the frame is joined once, when read
        # (joining per document copies everything each time: quadratic in a large import).
        self._facts: pd.DataFrame = F.empty_facts()
        self._pending: list[pd.DataFrame] = []
        self._facts_lock = threading.Lock()      # the import worker appends, the window reads
        self._findings: pd.DataFrame | None = reconcile.empty_findings()  # None: the engine's
        # Every change of the findings counts one version; an edit's re-check also says what
        # changed (findings_delta: (version before, {finding id: finding dict or None})), so
        # the grid updates its highlights without reading all the findings again.
        self.findings_version = 0
        self.findings_delta: tuple[int, dict] | None = None
        self.edits: list[Edit] = []
        # the user's decisions that are not edits (saved with the workspace): "timeline" holds
        # accepted/rejected series merges and which value stands where releases disagree
        self.choices: dict = {}
        # The checks, one part per release and per company (reconcile/partition.py), and
        # the releases added or removed since they last ran: an import checks those
        # releases and their companies' comparisons, not everything again.
        self._engine = PartitionedEngine(self.facts, documents=self.documents)
        self._unchecked: set[str] = set()
        self._checked = False           # the checks have run once (recheck_all)
        self._next_id = 0
        self._identity: dict[str, tuple[str, str]] = {}    # doc name -> (sha256, real path)
        self._id_range: dict[str, tuple[int, int]] = {}   # doc name -> its first, last fact id
        # Time limits (seconds; None: none) for reading one file and for one check rule.
        self.file_time_limit: float | None = limits.IMPORT_FILE_TIME_LIMIT_S
        self.rule_time_limit: float | None = limits.CHECK_RULE_TIME_LIMIT_S
        # What the last full check could not do ("the X check: stopped after 60 s"), for
        # the window and the command line to say; empty when every rule ran.
        self.check_notes: list[str] = []
        # A batch run (the command line) sets this: what an import or a check leaves behind
        # lives as long as the workspace, so it is moved out of the cyclic collector's way
        # (gc.freeze) instead of being scanned again in every full collection; at a thousand
        # releases those scans cost a sixth of the run. The window leaves it off: there the
        # GUI thread owns collection (gui/gc_guard.py).
        self.settle_memory = False
        # events
        self.documents_changed = Event("documents_changed")
        self.facts_changed = Event("facts_changed")        # emitted with the changed fact ids
        self.findings_changed = Event("findings_changed")

    @property
    def facts(self) -> pd.DataFrame:
        """Every fact loaded, one frame (index: fact ids)."""
        while True:
            with self._facts_lock:
                base, pending = self._facts, list(self._pending)
            if not pending:
                return base
            # joined outside the lock: the window reads recent facts while a large join runs
            parts = ([base] if len(base) else []) + pending
            joined = pd.concat(parts) if len(parts) > 1 else parts[0]
            with self._facts_lock:
                if self._facts is base and len(self._pending) >= len(pending) and all(
                        a is b for a, b in zip(self._pending, pending)):
                    self._facts, self._pending = joined, self._pending[len(pending):]
                    if not self._pending:
                        return joined
                # another thread joined first, or more came meanwhile: join what is there now

    @facts.setter
    def facts(self, frame: pd.DataFrame) -> None:
        with self._facts_lock:
            self._facts, self._pending = frame, []

    @property
    def findings(self) -> pd.DataFrame:
        """Every finding (reconcile.FINDING_COLUMNS), built when read after a change."""
        if self._findings is None:
            self._findings = self._engine.findings
        return self._findings

    @findings.setter
    def findings(self, frame: pd.DataFrame) -> None:
        self._findings = frame
        self.findings_version += 1
        self.findings_delta = None

    def findings_count(self) -> int:
        """How many findings there are, without building the frame."""
        if self._findings is not None:
            return len(self._findings)
        return len(self._engine.where)

    def findings_builder(self) -> Callable[[], tuple[int, pd.DataFrame]]:
        """A call that builds the findings frame as they are now, for a worker thread: it
        reads the checks and changes nothing; it returns (version, frame) for
        adopt_findings."""
        version, built = self.findings_version, self._findings
        if built is not None:
            return lambda: (version, built)
        return lambda: (version, self._engine.build_findings())

    def adopt_findings(self, version: int, frame: pd.DataFrame) -> None:
        """Keep a frame a worker built, if nothing changed since (see findings_builder)."""
        if version == self.findings_version and self._findings is None:
            self._findings = frame

    def finding(self, finding_id: str) -> dict | None:
        """One finding as a dict, without building the findings frame."""
        return self._engine.finding(finding_id)

    def recent_facts(self, ids: Iterable[int]) -> pd.DataFrame:
        """The rows of `ids` (facts just imported), read without joining the whole frame."""
        ids = list(ids)
        if not ids:
            return F.empty_facts()
        lo, hi = min(ids), max(ids)
        with self._facts_lock:
            parts = [p for p in self._pending if len(p) and p.index[0] <= hi and p.index[-1] >= lo]
            whole = self._facts
        rows = [r for r in (_rows_between(p, lo, hi, ids) for p in parts + [whole]) if len(r)]
        return pd.concat(rows) if len(rows) > 1 else (rows[0] if rows else F.empty_facts())

    def document_facts(self, name: str) -> pd.DataFrame:
        """The facts of release `name`. A release imported here holds one run of fact ids,
        so its rows are found by bisection, not by comparing every fact's release name."""
        span = self._id_range.get(name)
        if span is None:                # read from a saved workspace: no run recorded
            facts = self.facts
            return facts[facts["doc"] == name]
        return self.recent_facts(range(span[0], span[1] + 1))

    # -- import -----------------------------------------------------------------------
    def add_files(self, paths: Iterable[str | os.PathLike], progress: Progress | None = None,
                  cancel: CancelToken | None = None, check: bool = True) -> list[ImportResult]:
        """Import files and folders; every failure becomes a result with a message.

        `check=False` only extracts (`iijdesk extract`): the findings are not brought up to
        date until recheck_all() runs. `cancel` stops the import: the file being read and the rest are not imported (their
        results say "cancelled"); what was read before stays and is checked, as far as the
        checks get before they see the cancel too (check_notes then says what did not run).
        A file taking longer than `file_time_limit` is stopped and reported; the rest go on."""
        files = expand_paths(paths)
        results = []
        for i, path in enumerate(files):
            if progress:
                progress(i, len(files), os.path.basename(path))
            name = os.path.basename(path)
            if cancel is not None and cancel.cancelled:
                results.append(ImportResult(name, path, False, f"{name}: not imported (cancelled)",
                                            status=CANCELLED))
                continue
            pages = None
            if progress:            # a long PDF says how far it has got
                pages = (lambda i, name: lambda k, n: progress(
                    i, len(files), f"{name} (page {k + 1:,} of {n:,})"))(i, name)
            try:
                prepared = run_interruptible(lambda: self._prepare(load(path, pages)), cancel,
                                             self.file_time_limit, what=name)
                results.append(self._commit(*prepared))
            except Cancelled:
                results.append(ImportResult(name, path, False, f"{name}: not imported (cancelled)",
                                            status=CANCELLED))
            except TooSlow:
                results.append(ImportResult(name, path, False, (
                    f"{name}: reading it took over {self.file_time_limit:g} s, so it was stopped "
                    f"(a release takes well under a second; this does not look like one)")))
            except NotAReleaseError as e:
                results.append(ImportResult(name, path, False, str(e)))
            except Exception as e:  # never lose the workspace to one bad file
                results.append(ImportResult(name, path, False,
                                            f"{name}: could not be read ({type(e).__name__}: {e})"))
        if progress:
            progress(len(files), len(files), "")
        if check and any(r.ok for r in results):
            self.check_changed(cancel=cancel)
        return results

    def add_document(self, doc: Document) -> ImportResult:
        r = self._commit(*self._prepare(doc))
        if r.ok:
            self.check_changed()
        return r

    # Reading (interruptible: it changes nothing in the workspace) and adding (quick).
    def _prepare(self, doc: Document) -> tuple[Document, pd.DataFrame | None, ImportResult | None]:
        ident = document_identity(doc)
        same = next((n for n, i in self._identities().items() if i == ident), None)
        if same is not None:
            return doc, None, ImportResult(same, doc.path, False, (
                f"{doc.name}: already loaded as {same} (the same file); imported once"),
                status=DUPLICATE)
        given = doc.name
        name = self._unique_name(doc, ident)
        twin = next((n for n, i in self._identities().items() if i[0] == ident[0]), None)
        doc.name = name
        found = extract_document(doc)
        note = ""
        if name != given:
            where = f" from {os.path.dirname(os.path.abspath(doc.path))}" if doc.path else ""
            note = f"{given}{where}: another loaded file has that name, so this one is {name}"
        if twin is not None:
            note = (note + "; " if note else f"{name}: ") + f"the same content as {twin}"
        for left_out in doc.notes:      # what reading it left out (an over-long line ...)
            note = (note + "; " if note else f"{name}: ") + left_out
        return doc, found, ImportResult(name, doc.path, True, note)

    def _commit(self, doc: Document, found: pd.DataFrame | None, result: ImportResult) -> ImportResult:
        if found is None:                           # already loaded
            return result
        if not len(found):
            why = "".join(f" ({n})" for n in doc.notes)
            return ImportResult(doc.name, doc.path, False,
                                f"{doc.name}: no tables found{why}; this does not look like an earnings release")
        found.index = pd.RangeIndex(self._next_id, self._next_id + len(found))
        self._next_id += len(found)
        self.documents[doc.name] = doc
        self._identity[doc.name] = document_identity(doc)
        self._id_range[doc.name] = (int(found.index[0]), int(found.index[-1]))
        with self._facts_lock:
            self._pending.append(found)
        self._unchecked.add(doc.name)
        self._settle()
        self.documents_changed.emit()
        self.facts_changed.emit(list(found.index))
        result.n_tables, result.n_facts = int(found["table_id"].nunique()), len(found)
        return result

    def _identities(self) -> dict[str, tuple[str, str]]:
        """(content hash, real path) of every loaded document (documents restored from a
        workspace file are hashed the first time they are asked about)."""
        if set(self._identity) != set(self.documents):
            self._identity = {n: self._identity.get(n) or document_identity(d)
                              for n, d in self.documents.items()}
        return self._identity

    def _unique_name(self, doc: Document, ident: tuple[str, str]) -> str:
        base = doc.name
        if base not in self.documents:
            return base
        same_path = any(i[1] == ident[1] for i in self._identities().values()) if ident[1] else True
        if doc.path and not same_path:
            folders = [p for p in os.path.abspath(doc.path).replace("\\", "/").split("/")[:-1] if p]
            for k in range(1, len(folders) + 1):
                name = "/".join(folders[-k:] + [base])
                if name not in self.documents:
                    return name
        n = 2
        while f"{base} ({n})" in self.documents:
            n += 1
        return f"{base} ({n})"

    def remove_document(self, name: str, recheck: bool = True) -> None:
        self.documents.pop(name, None)
        self._identity.pop(name, None)
        self._id_range.pop(name, None)
        self.facts = self.facts[self.facts["doc"] != name]
        self.edits = [e for e in self.edits if e.fact_id in self.facts.index]
        self._unchecked.add(name)
        self.documents_changed.emit()
        self.facts_changed.emit([])
        if recheck:
            self.check_changed()

    # -- checks -----------------------------------------------------------------------
    def recheck_all(self, cancel: CancelToken | None = None) -> pd.DataFrame:
        """Every check over everything loaded, built afresh. A rule over its time limit is
        skipped, a cancel skips the rules not run yet; check_notes says which."""
        self._engine = PartitionedEngine(self.facts, documents=self.documents)
        return self._checks_done(self._engine.run(cancel=cancel, rule_time_limit=self.rule_time_limit))

    def check_changed(self, cancel: CancelToken | None = None) -> pd.DataFrame:
        """Bring the checks up to date with the releases added or removed since they last
        ran: those releases' checks and their companies' comparisons are built again, the
        rest keep theirs. The findings are what recheck_all would give."""
        if not self._checked:
            return self.recheck_all(cancel)
        self._engine.facts, self._engine.documents = self.facts, self.documents
        return self._checks_done(self._engine.update(self._unchecked, cancel=cancel,
                                                     rule_time_limit=self.rule_time_limit))

    def _settle(self) -> None:
        if self.settle_memory:
            gc.freeze()

    def _checks_done(self, findings: pd.DataFrame) -> pd.DataFrame:
        self.findings = findings
        self._settle()
        self._unchecked, self._checked = set(), True
        self.check_notes = [f"the {rule} check was {why}" if why == "cancelled" else
                            f"the {rule} check was {why} (too slow)"
                            for rule, why in self._engine.skipped]
        self.findings_changed.emit()
        return self.findings

    # -- edits ------------------------------------------------------------------------
    def apply_edit(self, fact_id: int, new_value: float, new_printed: str | None = None) -> Edit:
        row = self.facts.loc[fact_id]
        edit = Edit(fact_id, float(row["value"]), float(new_value), str(row["printed"]),
                    new_printed if new_printed is not None else _plain(new_value, row))
        self.edits.append(edit)          # listeners of the events below see the edit list updated
        self._set(fact_id, edit.new_value, edit.new_printed)
        return edit

    def revert_edit(self, edit: Edit) -> None:
        if edit in self.edits:
            self.edits.remove(edit)
        self._set(edit.fact_id, edit.old_value, edit.old_printed)

    def _set(self, fact_id: int, value: float, printed: str) -> None:
        self.facts.at[fact_id, "value"] = value
        self.facts.at[fact_id, "printed"] = printed
        self.facts_changed.emit([fact_id])
        if self._unchecked or not self._checked:    # releases not checked yet: check them now
            self.check_changed()
            return
        self._engine.facts = self.facts
        delta = self._engine.recheck_delta([fact_id])
        if delta == {}:
            return                              # no finding came, went or changed
        before = self.findings_version
        self._findings = None
        self.findings_version += 1
        self.findings_delta = (before, delta) if delta is not None else None
        self.findings_changed.emit()

    @property
    def timeline_choices(self) -> dict | None:
        return self.choices.get("timeline")

    @timeline_choices.setter
    def timeline_choices(self, value: dict | None) -> None:
        self.choices["timeline"] = value if value is not None else {}

    def edited_ids(self) -> set[int]:
        return {e.fact_id for e in self.edits}


def _rows_between(frame: pd.DataFrame, lo: int, hi: int, ids: list) -> pd.DataFrame:
    """The rows of `ids` (all between lo and hi) in `frame`. Fact ids grow with each import,
    so the index is sorted and the rows are found by bisection, not by a pass over a frame
    that may hold every fact loaded."""
    if not len(frame):
        return frame
    index = frame.index
    if not index.is_monotonic_increasing:
        return frame.loc[index.intersection(ids)]
    sub = frame.iloc[index.searchsorted(lo, "left"):index.searchsorted(hi, "right")]
    contiguous = len(set(ids)) == hi - lo + 1      # every id in lo..hi is asked for
    return sub if contiguous else sub[sub.index.isin(ids)]


def _plain(value: float, row: pd.Series) -> str:
    scale = int(row["scale"]) or 1
    v = value / scale
    dec = row["decimals"] if not pd.isna(row["decimals"]) else 0
    s = f"{abs(v):,.{int(dec)}f}"
    return f"({s})" if v < 0 else s


def document_identity(doc: Document) -> tuple[str, str]:
    """(SHA-256 of the document's bytes, its file's real path) -- what makes it the same
    document; in-memory documents have no path."""
    data = doc.raw if doc.raw else doc.text.encode("utf-8", errors="surrogatepass")
    path = os.path.normcase(os.path.realpath(doc.path)) if doc.path else ""
    return hashlib.sha256(data).hexdigest(), path


# Files that are never releases, skipped silently inside folders.
_SKIP_SUFFIXES = (".pyc", ".DS_Store")


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files as given, folders walked (sorted, hidden files skipped)."""
    out: list[str] = []
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if not n.startswith(".") and not n.endswith(_SKIP_SUFFIXES):
                        out.append(os.path.join(root, n))
        else:
            out.append(p)
    return out
