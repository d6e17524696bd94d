"""Workspace files: exact round trip, atomic save, versioning, autosave and crash recovery."""
from __future__ import annotations

import errno
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iijdesk.core import workspace_io as W
from iijdesk.core.workspace import Edit, Workspace
from tests.hostile.support import RELEASES, loaded_workspace, release

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base_ws():
    return loaded_workspace(RELEASES)


@pytest.fixture
def ws(base_ws, tmp_path):
    # a private copy (through the format itself would be circular): rebuild cheaply
    w = Workspace()
    w.documents = dict(base_ws.documents)
    w.facts = base_ws.facts.copy()
    w._next_id = base_ws._next_id
    w.recheck_all()
    return w


def _edit_some(ws, n=3):
    ids = [i for i in ws.facts.index if not pd.isna(ws.facts.at[i, "value"])][:: 97][:n]
    for k, i in enumerate(ids):
        ws.apply_edit(i, float(ws.facts.at[i, "value"]) + 1000 * (k + 1))
    return ids


def assert_same_workspace(a, b):
    assert list(a.documents) == list(b.documents)
    for k in a.documents:
        da, db = a.documents[k], b.documents[k]
        assert (da.name, da.path, da.encoding, da.source_kind) == \
            (db.name, db.path, db.encoding, db.source_kind)
        assert da.raw == db.raw and da.text == db.text and da.lines == db.lines
    pd.testing.assert_frame_equal(a.facts, b.facts, check_exact=True, check_dtype=True,
                                  check_index_type=True, check_column_type=True)
    assert list(a.facts.dtypes.astype(str)) == list(b.facts.dtypes.astype(str))
    assert type(a.facts.index) is type(b.facts.index)
    assert a.edits == b.edits
    # (NaN != NaN, so compare the stored form; types are checked by the round trip tests)
    assert W._dumps(getattr(a, "choices", {})) == W._dumps(getattr(b, "choices", {}))


# -- round trip ---------------------------------------------------------------------------

def test_save_and_reopen_gives_the_same_model_edits_and_choices(ws, tmp_path):
    _edit_some(ws)
    ws.choices = {
        "timeline": {"Total revenues|2009-12-31|9": "accept", "Net income|2010-03-31|12": "reject"},
        "conflicts": {("doc_a.txt", 42): "doc_b.txt", ("x", 1.5): None},
        "nan": math.nan, "set": {1, 2}, "tuple": (1, "a"),
    }
    path = tmp_path / "q.iijdesk"
    W.save_workspace(ws, path)
    back = W.load_workspace(path)
    assert_same_workspace(ws, back)
    assert math.isnan(back.choices["nan"])
    assert back.choices["conflicts"][("doc_a.txt", 42)] == "doc_b.txt"
    # the findings are recomputed from the restored facts and agree
    pd.testing.assert_frame_equal(back.findings.reset_index(drop=True),
                                  ws.findings.reset_index(drop=True))


def test_edits_survive_reopen_and_can_still_be_reverted(ws, tmp_path):
    ids = _edit_some(ws, 2)
    original = {e.fact_id: (e.old_value, e.old_printed) for e in ws.edits}
    W.save_workspace(ws, tmp_path / "e.iijdesk")
    back = W.load_workspace(tmp_path / "e.iijdesk")
    assert [e.fact_id for e in back.edits] == ids
    assert all(isinstance(e, Edit) and e.at > 0 for e in back.edits)
    back.revert_edit(back.edits[0])
    assert back.facts.at[ids[0], "value"] == original[ids[0]][0]
    assert back.facts.at[ids[0], "printed"] == original[ids[0]][1]


def test_a_release_added_after_reopen_gets_new_fact_ids(ws, tmp_path):
    name = release("004").name
    ws.remove_document(name)
    W.save_workspace(ws, tmp_path / "p.iijdesk")
    back = W.load_workspace(tmp_path / "p.iijdesk")
    old_ids = set(back.facts.index)
    assert back._next_id > max(old_ids)
    before = back.facts.copy()
    r = back.add_files([release("004")])[0]
    if r.ok:                                   # once the extractor finds the tables
        new_ids = set(back.facts.index) - old_ids
        assert new_ids and not (new_ids & old_ids)
    pd.testing.assert_frame_equal(back.facts.loc[before.index], before, check_exact=True)


def test_the_file_is_a_documented_zip_with_the_original_bytes(ws, tmp_path):
    path = tmp_path / "z.iijdesk"
    W.save_workspace(ws, path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "manifest.json"
        m = json.loads(zf.read("manifest.json"))
        assert m["format"] == "iijdesk-workspace" and m["format_version"] == W.FORMAT_VERSION
        for d in m["documents"]:
            assert zf.read(d["original"]) == ws.documents[d["key"]].raw
        # facts.csv opens as a plain CSV with the contract columns
        df = pd.read_csv(zf.open("facts.csv"), dtype=str, keep_default_na=False)
        assert list(df.columns[1:]) == list(ws.facts.columns)
        assert len(df) == len(ws.facts)


def test_an_empty_workspace_round_trips(tmp_path):
    ws = Workspace()
    W.save_workspace(ws, tmp_path / "empty.iijdesk")
    assert_same_workspace(ws, W.load_workspace(tmp_path / "empty.iijdesk"))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_text, st.one_of(st.none(), _text), st.floats(allow_nan=True),
                          st.one_of(st.none(), st.integers(-2**62, 2**62)), st.booleans(),
                          st.integers(-2**62, 2**62)), max_size=12))
def test_any_frame_round_trips_exactly(rows):
    df = pd.DataFrame({
        "s": pd.array([r[0] for r in rows], dtype="str"),
        "s_na": pd.array([r[1] for r in rows], dtype="str"),
        "f": np.array([r[2] for r in rows], dtype="float64"),
        "I": pd.array([r[3] for r in rows], dtype="Int64"),
        "b": np.array([r[4] for r in rows], dtype=bool),
        "i": np.array([r[5] for r in rows], dtype="int64"),
        "o": pd.Series([r[0] if r[4] else r[3] for r in rows], dtype=object),
    }, index=pd.Index([3 * k + 1 for k in range(len(rows))], dtype="int64"))
    data, schema = W.frame_to_csv(df)
    schema = json.loads(json.dumps(schema))
    back = W.csv_to_frame(data, schema)
    pd.testing.assert_frame_equal(back, df, check_exact=True, check_index_type=True)
    # float bits, including -0.0 (a NaN's sign is not kept: NaN is "no value")
    f0, f1 = df["f"].to_numpy(), back["f"].to_numpy()
    ok = ~np.isnan(f0)
    assert np.array_equal(np.signbit(f1[ok]), np.signbit(f0[ok]))


# -- atomic save --------------------------------------------------------------------------

class _DiskFullAfter:
    """A file object whose writes fail with ENOSPC once `limit` bytes were written."""

    def __init__(self, f, limit):
        self._f, self._limit, self.written = f, limit, 0

    def write(self, b):
        if self.written + len(b) > self._limit:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += len(b)
        return self._f.write(b)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def _temps(directory):
    return [n for n in os.listdir(directory) if n.endswith(".tmp")]


def test_a_save_failing_half_way_leaves_the_previous_file_intact(ws, tmp_path, monkeypatch):
    path = tmp_path / "w.iijdesk"
    W.save_workspace(ws, path)
    before_bytes = path.read_bytes()
    _edit_some(ws, 2)
    opened = []

    def full_disk_temp(directory, base):
        tmp, f = real_open(directory, base)
        opened.append(tmp)
        return tmp, _DiskFullAfter(f, len(before_bytes) // 2)

    real_open = W._open_temp
    monkeypatch.setattr(W, "_open_temp", full_disk_temp)
    with pytest.raises(W.WorkspaceSaveError) as e:
        W.save_workspace(ws, path)
    msg = str(e.value)
    assert "disk is full" in msg and "previous file is unchanged" in msg and str(path) in msg
    assert opened and not os.path.exists(opened[0]), "the half-written temp file was left"
    assert _temps(tmp_path) == []
    assert path.read_bytes() == before_bytes
    back = W.load_workspace(path)
    assert back.edits == [] and len(back.facts) == len(ws.facts)


def test_a_failed_first_save_writes_nothing(ws, tmp_path, monkeypatch):
    real_open = W._open_temp
    monkeypatch.setattr(W, "_open_temp",
                        lambda d, b: (lambda t, f: (t, _DiskFullAfter(f, 1000)))(*real_open(d, b)))
    with pytest.raises(W.WorkspaceSaveError, match="Nothing was written"):
        W.save_workspace(ws, tmp_path / "new.iijdesk")
    assert os.listdir(tmp_path) == []


def test_a_failing_fsync_also_keeps_the_previous_file(ws, tmp_path, monkeypatch):
    path = tmp_path / "w.iijdesk"
    W.save_workspace(ws, path)
    before = path.read_bytes()

    def bad_fsync(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(W.os, "fsync", bad_fsync)
    with pytest.raises(W.WorkspaceSaveError, match="input/output error"):
        W.save_workspace(ws, path)
    assert path.read_bytes() == before and _temps(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_real_file_size_limit_mid_write_keeps_the_previous_file(ws, tmp_path):
    """Not a monkeypatch: the kernel refuses the write half-way (RLIMIT_FSIZE, EFBIG)."""
    path = tmp_path / "w.iijdesk"
    W.save_workspace(ws, path)
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.hostile.support import RELEASES, loaded_workspace
        from iijdesk.core import workspace_io as W
        ws = loaded_workspace(RELEASES)
        ws.apply_edit(ws.facts.index[0], 1.0)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({len(before) // 2}, {len(before) // 2}))
        try:
            W.save_workspace(ws, {str(path)!r})
        except W.WorkspaceSaveError as e:
            print("ERR", e)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert "ERR Could not save" in out.stdout, out.stderr
    assert "too large for the file system" in out.stdout
    assert path.read_bytes() == before and _temps(tmp_path) == []
    W.load_workspace(path)


def test_an_unstorable_choice_is_refused_before_anything_is_written(ws, tmp_path):
    path = tmp_path / "w.iijdesk"
    W.save_workspace(ws, path)
    before = path.read_bytes()
    ws.choices = {"bad": object()}
    with pytest.raises(W.WorkspaceSaveError, match="cannot be stored"):
        W.save_workspace(ws, path)
    assert path.read_bytes() == before and _temps(tmp_path) == []


def test_stale_temp_files_of_a_killed_save_are_cleaned_up(ws, tmp_path):
    stale = tmp_path / ".w.iijdesk.abc123.tmp"
    stale.write_bytes(b"half a zip")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".w.iijdesk.def456.tmp"   # maybe another save in progress: kept
    fresh.write_bytes(b"x")
    W.save_workspace(ws, tmp_path / "w.iijdesk")
    assert not stale.exists() and fresh.exists()


# -- opening bad files --------------------------------------------------------------------

def test_opening_something_that_is_not_a_workspace_says_so(tmp_path):
    p = tmp_path / "notes.iijdesk"
    p.write_text("hello")
    with pytest.raises(W.WorkspaceFileError, match="not an iijdesk workspace"):
        W.load_workspace(p)
    z = tmp_path / "other.iijdesk"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(W.WorkspaceFileError, match="incomplete|not an iijdesk"):
        W.load_workspace(z)
    with pytest.raises(W.WorkspaceFileError, match="does not exist"):
        W.load_workspace(tmp_path / "missing.iijdesk")


def test_a_truncated_or_damaged_workspace_is_refused_with_a_message(ws, tmp_path):
    p = tmp_path / "w.iijdesk"
    W.save_workspace(ws, p)
    data = p.read_bytes()
    cut = tmp_path / "cut.iijdesk"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(W.WorkspaceFileError, match="damaged|not an iijdesk"):
        W.load_workspace(cut)
    # flip bytes inside the stored facts: the zip CRC catches it
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("facts.csv")
    off = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    bad = bytearray(data)
    for k in range(20):
        bad[off + k] ^= 0xFF
    dmg = tmp_path / "dmg.iijdesk"
    dmg.write_bytes(bytes(bad))
    with pytest.raises(W.WorkspaceFileError, match="damaged"):
        W.load_workspace(dmg)


def test_a_workspace_from_a_newer_version_is_refused_clearly(ws, tmp_path):
    p = tmp_path / "new.iijdesk"
    W.save_workspace(ws, p)
    _rewrite_manifest(p, lambda m: m.update(format_version=W.FORMAT_VERSION + 1))
    with pytest.raises(W.WorkspaceFileError, match="newer iijdesk"):
        W.load_workspace(p)


def test_a_zip_bomb_is_refused_without_reading_it(tmp_path, monkeypatch):
    p = tmp_path / "bomb.iijdesk"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": W.FORMAT_NAME, "format_version": 1}))
        zf.writestr("facts.csv", b"\0" * (4 << 20))
    monkeypatch.setattr(W.L, "MAX_WORKSPACE_TOTAL_BYTES", 1 << 20)
    with pytest.raises(W.WorkspaceFileError, match="limit"):
        W.load_workspace(p)


def _rewrite_manifest(path, change):
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename == "manifest.json":
                m = json.loads(data)
                change(m)
                data = json.dumps(m).encode()
            zf.writestr(info.filename, data)


def test_an_older_format_is_migrated_on_open(ws, tmp_path, monkeypatch):
    """The migration path: raise the version, register a step, old files still open."""
    p = tmp_path / "v1.iijdesk"
    _edit_some(ws, 1)
    W.save_workspace(ws, p)
    seen = []

    def v1_to_v2(manifest, reader):
        seen.append(manifest["format_version"])
        manifest["extra"] = {**manifest.get("extra", {}), "migrated": True}
        return manifest

    monkeypatch.setattr(W, "FORMAT_VERSION", 2)
    monkeypatch.setitem(W.MIGRATIONS, 1, v1_to_v2)
    state = W.read_workspace(p)
    assert seen == [1] and state["manifest"]["format_version"] == 2
    assert state["manifest"]["extra"]["migrated"] is True
    assert len(state["edits"]) == 1
    W.save_workspace(W.load_workspace(p), p)          # written back in the new format
    with zipfile.ZipFile(p) as zf:
        assert json.loads(zf.read("manifest.json"))["format_version"] == 2


# -- autosave -----------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_autosave_from_the_first_edit_then_every_interval(ws, tmp_path):
    from iijdesk.core import limits as L
    clock = Clock()
    rec = tmp_path / "rec" / "recovery.iijdesk"
    a = W.Autosaver(ws, rec, clock=clock)
    assert a.path == str(rec) and a.pending == []
    assert not a.dirty and not a.maybe_save(clock.t + 3600) and not rec.exists()
    assert W.find_recovery(rec) is None
    _edit_some(ws, 1)
    assert a.dirty
    assert a.maybe_save(clock.t + 0.5) and rec.exists()     # the first edit: saved at once
    _edit_some(ws, 1)
    assert not a.maybe_save(clock.t + 0.5 + L.AUTOSAVE_INTERVAL_S - 0.1)
    assert a.maybe_save(clock.t + 0.5 + L.AUTOSAVE_INTERVAL_S)
    assert not a.dirty and not a.maybe_save(clock.t + 500)
    info = W.find_recovery(rec)
    assert info.readable and info.n_edits == 2 and len(info.documents) == len(ws.documents)
    assert "can be restored" in info.describe()
    ws.choices = {"timeline": {"x": "accept"}}          # no event for this: fingerprint sees it
    assert a.dirty and a.save_now()
    assert W.find_recoveries(rec) == []                  # its session is running: not offered
    a.close()                                            # ... until it ends without saving
    restored = Workspace()
    b = W.Autosaver(restored, rec)
    assert [p.path for p in b.pending] == [str(rec)] and b.path != str(rec)
    b.restore()
    assert_same_workspace(ws, restored)
    assert not rec.exists() and W.find_recovery(b.path).n_edits == 2   # now b's own work
    b.mark_clean("/some/where/q.iijdesk")               # File > Save: nothing to recover
    assert not os.path.exists(b.path) and W.find_recoveries(rec) == []
    b.close()


def test_a_session_that_saved_leaves_nothing_to_recover(ws, tmp_path):
    rec = tmp_path / "recovery.iijdesk"
    a = W.Autosaver(ws, rec)
    _edit_some(ws, 1)
    assert a.save_now()
    a.mark_clean(str(tmp_path / "saved.iijdesk"))
    a.close()
    assert sorted(os.listdir(tmp_path)) == []           # no recovery file, no lock, no temp


def test_a_failing_autosave_never_raises_and_retries(ws, tmp_path, monkeypatch):
    rec = tmp_path / "recovery.iijdesk"
    errors = []
    a = W.Autosaver(ws, rec, clock=Clock(), on_error=errors.append)
    _edit_some(ws, 1)
    real_open = W._open_temp
    monkeypatch.setattr(W, "_open_temp",
                        lambda d, b: (lambda t, f: (t, _DiskFullAfter(f, 100)))(*real_open(d, b)))
    assert a.save_now() is False and "disk is full" in a.last_error and errors
    assert a.dirty
    monkeypatch.setattr(W, "_open_temp", real_open)
    assert a.save_now() and a.last_error == "" and W.find_recovery(rec).n_edits == 1


def test_an_unreadable_recovery_file_is_reported_not_fatal(tmp_path):
    rec = tmp_path / "recovery.iijdesk"
    rec.write_bytes(b"PK\x03\x04 garbage")
    info = W.find_recovery(rec)
    assert info is not None and not info.readable and "cannot be restored" in info.describe()


_SESSION = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.hostile.support import RELEASES, loaded_workspace
    from iijdesk.core import workspace_io as W
    ws = loaded_workspace(RELEASES[:3])
    now = [0.0]
    a = W.Autosaver(ws, {rec!r}, clock=lambda: now[0], workspace_path="/tmp/analysis.iijdesk")
    ids = [i for i in ws.facts.index if ws.facts.at[i, "value"] == ws.facts.at[i, "value"]]
    for k in range(60):                      # an edit and a tick every (simulated) second
        now[0] = 1.0 * (k + 1)
        ws.apply_edit(ids[k * 7], 1000.0 + k)
        saved = a.maybe_save()
        print("EDIT", k, now[0], int(saved), flush=True)
    print("READY", flush=True)
    time.sleep(600)                          # the session goes on ... until killed
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_session_is_restored_from_the_recovery_file(tmp_path):
    rec = tmp_path / "state" / "recovery.iijdesk"
    proc = subprocess.Popen([sys.executable, "-c", _SESSION.format(root=str(ROOT), rec=str(rec))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    log = []
    try:
        for line in proc.stdout:
            log.append(line.split())
            if line.startswith("READY"):
                break
        proc.send_signal(signal.SIGKILL)              # no chance to save on quit
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert log and log[-1] == ["READY"], proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL
    edits = [(int(k), float(t), s == "1") for _, k, t, s in log[:-1]]
    last_saved = max(k for k, t, s in edits if s)

    info = W.find_recovery(rec)
    assert info and info.readable and info.workspace_path == "/tmp/analysis.iijdesk"
    ws = Workspace()
    W.Autosaver(ws, rec).restore()
    assert [e.new_value for e in ws.edits] == [1000.0 + k for k in range(last_saved + 1)]
    for e in ws.edits:
        assert ws.facts.at[e.fact_id, "value"] == e.new_value
    from iijdesk.core import limits as L
    assert edits[0][2], "the first edit was not saved at once"
    lost = edits[-1][1] - edits[last_saved][1]
    assert lost < L.AUTOSAVE_MAX_LOSS_S, f"{lost} s of work lost"
    assert len(ws.documents) == 3


_SAVE_LOOP = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.hostile.support import RELEASES, loaded_workspace
    from iijdesk.core import workspace_io as W
    ws = loaded_workspace(RELEASES[:2])
    a = W.Autosaver(ws, {rec!r}, interval=0)
    i = 0
    while True:
        ws.apply_edit(ws.facts.index[i % 50], float(i))
        a.maybe_save()
        if i == 1:
            print("SAVING", flush=True)
        i += 1
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("delay", [0.05, 0.23, 0.61])
def test_killed_mid_save_the_recovery_file_is_still_readable(tmp_path, delay):
    rec = tmp_path / "recovery.iijdesk"
    proc = subprocess.Popen([sys.executable, "-c", _SAVE_LOOP.format(root=str(ROOT), rec=str(rec))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().startswith("SAVING"), proc.stderr.read()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    ws = W.load_workspace(rec)                         # never a half-written file
    assert len(ws.edits) >= 2 and len(ws.documents) == 2


def test_pdf_and_shift_jis_releases_keep_their_original_bytes(ws, tmp_path):
    from tests.hostile import corpus as C
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(C._release_pdf())
    sjis = C.make_shift_jis(tmp_path)
    results = ws.add_files([pdf, sjis])
    added = [r.name for r in results if r.ok]
    W.save_workspace(ws, tmp_path / "mixed.iijdesk")
    back = W.load_workspace(tmp_path / "mixed.iijdesk")
    assert_same_workspace(ws, back)
    for name, src in (("release.pdf", pdf), (sjis.name, sjis)):
        if name in added:
            assert back.documents[name].raw == src.read_bytes()
    if sjis.name in added:
        assert back.documents[sjis.name].encoding == ws.documents[sjis.name].encoding
        assert "売上高" in back.documents[sjis.name].text


@pytest.mark.skipif(sys.platform == "win32", reason="byte file names are POSIX")
def test_a_release_whose_file_name_is_not_utf8_saves_and_reopens(ws, tmp_path):
    """os.fsdecode turns undecodable name bytes into lone surrogates; they must survive."""
    folder = tmp_path / "in"
    folder.mkdir()
    raw_name = os.fsencode(str(folder)) + b"/r\xe9sultats_\xff.txt"
    with open(raw_name, "wb") as f:
        f.write(release("001").read_bytes())
    results = ws.add_files([folder])
    name = os.path.basename(os.fsdecode(raw_name))
    assert results[0].name == name
    if results[0].ok:
        ws.apply_edit(ws.facts.index[ws.facts["doc"] == name][0], 7.0)
    W.save_workspace(ws, tmp_path / "names.iijdesk")
    back = W.load_workspace(tmp_path / "names.iijdesk")
    assert_same_workspace(ws, back)


def test_change_tracker_for_the_close_prompt(ws, tmp_path):
    t = W.ChangeTracker(ws)
    assert not t.dirty
    e = ws.apply_edit(ws.facts.index[1], 5.0)
    assert t.dirty
    W.save_workspace(ws, tmp_path / "t.iijdesk")
    t.mark_clean()
    assert not t.dirty
    ws.revert_edit(e)                                  # undo after a save is a change too
    assert t.dirty
    t.mark_clean()
    ws.remove_document(next(iter(ws.documents)))
    assert t.dirty
    t.mark_clean()
    ws.choices = {"conflicts": {"a": "b"}}
    assert t.dirty
    t.close()


def test_timeline_choices_travel_with_the_workspace(tmp_path):
    from iijdesk.core import workspace_io
    from iijdesk.core.workspace import Workspace
    from tests.conftest import release
    ws = Workspace()
    ws.add_files([release("004")])
    ws.timeline_choices = {"merges": {"rename:a ~ b": "rejected"}, "values": {}}
    path = tmp_path / "w.iijdesk"
    workspace_io.save_workspace(ws, path)
    back = Workspace()
    workspace_io.restore_into(back, path)
    assert back.timeline_choices == {"merges": {"rename:a ~ b": "rejected"}, "values": {}}
