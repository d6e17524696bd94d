"""`iijdesk --selftest` from source, the bundled resources, and the generated icons."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from iijdesk import selftest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
SAMPLE = RESOURCES / "sample" / "kestrel_1H_FY2024.txt"


def run(**kw) -> tuple[int, str]:
    out = io.StringIO()
    rc = selftest.run_selftest(stream=out, **kw)
    return rc, out.getvalue()


def test_selftest_passes_on_the_bundled_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    rc, out = run()
    assert rc == 0, out
    assert "selftest PASSED" in out
    for step in ("resources", "import", "facts", "export", "save", "pdf", "gui"):
        assert any(line.split()[:2] == ["ok", step] for line in out.splitlines()), (step, out)
    assert any(line.split()[1:2] == ["check"] for line in out.splitlines()), out
    assert "7/7 key figures" in out
    assert (tmp_path / selftest.LOG_NAME).read_text() == out
    assert not list(tmp_path.glob("iijdesk-selftest-*")), "the temp output was not cleaned up"


def test_selftest_keeps_the_workbook_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    rc, out = run(keep=True)
    kept = list(tmp_path.glob("iijdesk-selftest-*/selftest.xlsx"))
    assert rc == 0 and len(kept) == 1, out
    assert selftest._xlsx_sheets(kept[0])


def test_command_line_runs_the_selftest_without_a_window(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "iijdesk", "--selftest"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(source," in r.stdout and "selftest PASSED" in r.stdout


def test_missing_resources_degrade_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("IIJDESK_RESOURCES", str(tmp_path / "nowhere"))
    rc, out = run()
    assert rc == 2
    assert "no sample release in" in out and "INCOMPLETE" in out


def test_a_wrong_expectation_fails_the_selftest(tmp_path, monkeypatch):
    res = tmp_path / "resources"
    (res / "sample").mkdir(parents=True)
    (res / "sample" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    spec = json.loads(SAMPLE.with_suffix(".expected.json").read_text())
    spec["facts"][0]["value"] += 1_000_000
    (res / "sample" / SAMPLE.with_suffix(".expected.json").name).write_text(json.dumps(spec))
    monkeypatch.setenv("IIJDESK_RESOURCES", str(res))
    rc, out = run()
    assert rc == 1
    assert "6/7 key figures" in out and spec["facts"][0]["row_label"] in out


def test_the_consistent_sample_raises_no_finding():
    """Every total, subtotal and YoY % of the synthetic sample agrees (see its README), so
    any finding on it is a false positive of a reconcile rule on a release never seen."""
    from iijdesk.core.workspace import Workspace

    ws = Workspace()
    assert all(r.ok for r in ws.add_files([SAMPLE]))
    assert ws.findings.empty, ws.findings[["rule", "lines", "message"]].to_string()


def test_generated_pdf_reads_back_through_the_pdf_reader():
    from iijdesk.core.ingest import load_bytes

    doc = load_bytes("probe.pdf", selftest.minimal_pdf(("Total assets 28,848", "(a) b\\c")))
    assert doc.source_kind == "pdf"
    text = " ".join(doc.text.split())
    assert "Total assets 28,848" in text and "(a) b\\c" in text


def test_frozen_app_finds_resources_in_the_bundle(tmp_path, monkeypatch):
    monkeypatch.delenv("IIJDESK_RESOURCES", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert selftest.resource_dir() == tmp_path / "resources"


def test_the_sample_is_synthetic_and_consistent_with_its_expectations():
    text = SAMPLE.read_text(encoding="utf-8")
    for real in ("Internet Initiative", "IIJ", "iij.ad.jp", "Suzuki"):
        assert real not in text
    assert "SYNTHETIC" in text
    spec = json.loads(SAMPLE.with_suffix(".expected.json").read_text())
    for fact in spec["facts"]:
        assert fact["row_label"].lower() in text.lower()


def test_icons_are_valid_containers():
    icons = RESOURCES / "icons"
    png = (icons / "iijdesk.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (icons / "iijdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    for i in range(count):
        w, h, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i: 22 + 16 * i])
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(ico)
    icns = (icons / "iijdesk.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    pos, types = 8, []
    while pos < len(icns):
        kind, length = icns[pos:pos + 4], struct.unpack(">I", icns[pos + 4:pos + 8])[0]
        assert icns[pos + 8:pos + 16] == b"\x89PNG\r\n\x1a\n"
        types.append(kind)
        pos += length
    assert pos == len(icns) and b"ic10" in types and b"icp4" in types


def test_icon_script_regenerates_the_icons(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "packaging" / "make_icons.py"), str(tmp_path)],
                       env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for name in ("iijdesk.png", "iijdesk.ico", "iijdesk.icns", "iijdesk-16.png"):
        assert (tmp_path / name).stat().st_size > 0
    # same image sizes as the committed icons (bytes may differ between Qt versions' encoders)
    def ico_sizes(data: bytes) -> list[int]:
        n = struct.unpack("<H", data[4:6])[0]
        return [data[6 + 16 * i] or 256 for i in range(n)]

    assert ico_sizes((tmp_path / "iijdesk.ico").read_bytes()) == \
        ico_sizes((RESOURCES / "icons" / "iijdesk.ico").read_bytes())


def test_desktop_entry_names_the_app_and_its_icon():
    entry = (ROOT / "packaging" / "linux" / "iijdesk.desktop").read_text()
    keys = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line and not line.startswith("#"))
    assert keys["Type"] == "Application" and keys["Name"] == "iijdesk"
    assert keys["Exec"].startswith("iijdesk") and keys["Icon"] == "iijdesk"
    assert keys["Terminal"] == "false"
