"""Nothing from a release is executed or evaluated, and the app makes no network connection."""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from iijdesk.core import workspace_io as W
from tests.hostile.support import RELEASES, loaded_workspace

PACKAGE = Path(__file__).resolve().parents[2] / "iijdesk"

# Ways text turns into code, or the app reaches the network or another process.
FORBIDDEN = {
    "eval/exec/compile of text": re.compile(r"(?<![\w.])(eval|exec|compile)\s*\("),
    "pickle/marshal/shelve (load executes code)": re.compile(r"\b(pickle|marshal|shelve|dill)\b"),
    "dynamic import": re.compile(r"__import__\s*\(|importlib\.import_module\s*\("),
    "yaml.load": re.compile(r"\byaml\.(unsafe_)?load\s*\("),
    "network": re.compile(r"^\s*(import|from)\s+(socket|urllib|http|requests|ftplib|smtplib|"
                          r"xmlrpc|websocket|aiohttp|httpx)\b|QNetwork|QtNetwork", re.M),
    "processes": re.compile(r"^\s*(import|from)\s+subprocess\b|os\.system\s*\(|os\.popen\s*\(",
                            re.M),
}


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_the_package_has_no_way_to_run_text_or_reach_the_network(what):
    rx = FORBIDDEN[what]
    hits = []
    for p in _sources():
        text = p.read_text(encoding="utf-8")
        for m in rx.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            src = text.splitlines()[line - 1].strip()
            if src.startswith("#") or src.startswith(('"', "'")):
                continue
            hits.append(f"{p.relative_to(PACKAGE.parent)}:{line}: {src}")
    assert not hits, f"{what}:\n" + "\n".join(hits)


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_import_save_and_open_make_no_network_connection(no_network, tmp_path):
    ws = loaded_workspace(RELEASES)
    ws.apply_edit(ws.facts.index[0], 1.0)
    W.save_workspace(ws, tmp_path / "w.iijdesk")
    W.load_workspace(tmp_path / "w.iijdesk")
    a = W.Autosaver(ws, tmp_path / "r.iijdesk")
    a.mark_dirty()
    assert a.save_now()
    assert no_network == []


def test_code_in_a_release_is_text_not_code(tmp_path):
    """A release whose labels are Python, formulas and format strings: kept as printed."""
    marker = tmp_path / "pwned"
    lines = [
        "Consolidated Statements of Income",
        "\tThree months ended Dec 31, 2009\tThree months ended Dec 31, 2010",
        f"__import__('os').system('touch {marker}')\t1,000\t2,000",
        f"eval(open('{marker}','w').write('x'))\t3,000\t4,000",
        "=HYPERLINK(\"http://example.com\")\t5,000\t6,000",
        "{0.__class__.__mro__}\t7,000\t8,000",
        "Total\t16,000\t20,000",
    ]
    src = tmp_path / "evil.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    from iijdesk.core.workspace import Workspace
    ws = Workspace()
    ws.add_files([src])
    W.save_workspace(ws, tmp_path / "e.iijdesk")
    back = W.load_workspace(tmp_path / "e.iijdesk")
    assert not marker.exists()
    labels = set(back.facts["row_label"])
    if len(back.facts):
        assert any("__import__" in s for s in labels) or any("eval(" in s for s in labels)
