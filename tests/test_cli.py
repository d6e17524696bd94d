"""The command line as a user runs it: `python -m iijdesk extract|check|export FILE... -o OUT`."""
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iijdesk.core.facts import GOLD_COLUMNS
from tests.conftest import DATA, GOLD, RELEASES

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, cwd=ROOT, env=None, timeout=300):
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen") if env is None else env
    return subprocess.run([sys.executable, "-m", "iijdesk", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "facts.csv"
    r = run_cli("extract", *RELEASES, "-o", out)
    return r, out


def test_extract_writes_the_gold_columns_for_every_release(extracted):
    r, out = extracted
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert f"from {len(RELEASES)} of {len(RELEASES)} files -> {out}" in r.stdout
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header[:len(GOLD_COLUMNS)] == GOLD_COLUMNS
    assert all(len(row) == len(header) for row in body)
    assert body, "no facts extracted from the five releases"
    assert {row[0] for row in body} == {p.name for p in RELEASES}


def test_every_extracted_number_stands_on_its_line(extracted):
    _, out = extracted
    texts = {p.name: p.read_text(encoding="utf-8").split("\n") for p in RELEASES}
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        lines = texts[row["doc"]]
        line = int(row["line"])
        assert 1 <= line <= len(lines)
        assert row["printed"] in lines[line - 1], row
        assert row["value"] == "" or float(row["value"]) == float(row["value"])
        assert row["scale"] in ("1", "1000", "1000000", "1000000000"), row


def test_every_span_points_at_the_printed_number(extracted):
    """start/end (the facts contract) let the source panel highlight exactly the number."""
    _, out = extracted
    texts = {p.name: p.read_text(encoding="utf-8").split("\n") for p in RELEASES}
    with open(out, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["start"] and r["end"]]
    assert rows
    wrong = [(r["doc"], r["line"], r["printed"],
              texts[r["doc"]][int(r["line"]) - 1][int(r["start"]):int(r["end"])])
             for r in rows
             if texts[r["doc"]][int(r["line"]) - 1][int(r["start"]):int(r["end"])] != r["printed"]]
    assert not wrong, wrong[:10]


def test_the_scorer_reads_what_extract_writes(extracted):
    _, out = extracted
    r = subprocess.run([sys.executable, str(DATA / "score.py"), "facts", "--gold", str(GOLD),
                        "--facts", str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("facts: recall ")


def _bad_files(d: Path) -> list[Path]:
    prose = d / "letter.txt"
    prose.write_text("Dear shareholders,\n\nThank you for your continued support.\n")
    binary = d / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = d / "empty.txt"
    empty.write_bytes(b"")
    return [prose, binary, empty]


def test_non_releases_give_a_clear_message_and_no_facts(tmp_path):
    bad = _bad_files(tmp_path)
    out = tmp_path / "facts.csv"
    r = run_cli("extract", *bad, "-o", out)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "Error" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 3, r.stderr
    prose, binary, empty = lines
    assert prose.startswith("iijdesk: letter.txt: ") and "release" in prose
    assert binary.startswith("iijdesk: photo.txt: ") and "image" in binary
    assert empty.startswith("iijdesk: empty.txt: ") and "empty" in empty
    assert "0 facts from 0 of 3 files" in r.stdout
    with open(out, newline="", encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == 1          # the header only


def test_a_bad_file_among_releases_is_reported_and_the_rest_extracted(tmp_path):
    bad = _bad_files(tmp_path)[1]
    out = tmp_path / "facts.csv"
    r = run_cli("extract", RELEASES[1], bad, "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().startswith("iijdesk: photo.txt: ")
    assert "Traceback" not in r.stderr
    assert "from 1 of 2 files" in r.stdout


def test_a_missing_file_is_a_message(tmp_path):
    r = run_cli("extract", tmp_path / "nowhere.txt", "-o", tmp_path / "f.csv")
    assert r.returncode == 1
    assert "nowhere.txt: cannot be read" in r.stderr and "Traceback" not in r.stderr


def test_check_writes_findings_for_the_releases(tmp_path):
    out = tmp_path / "findings.csv"
    r = run_cli("check", *RELEASES, "-o", out)
    assert r.returncode == 0, r.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and {"doc", "lines", "kind"} <= set(rows[0])


def test_export_writes_a_workbook(tmp_path):
    out = tmp_path / "releases.xlsx"
    r = run_cli("export", *RELEASES[:2], "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:2] == b"PK"


def test_export_onto_an_existing_workbook_is_a_message_not_a_traceback(tmp_path):
    out = tmp_path / "releases.xlsx"
    out.write_bytes(b"keep me")
    r = run_cli("export", RELEASES[0], "-o", out)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "already exists" in r.stderr
    assert out.read_bytes() == b"keep me"


def test_version():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("iijdesk ")


def test_extract_reads_a_pdf_and_a_utf16_copy_like_the_text(tmp_path):
    from tests.core.ingest.conftest import make_pdf
    src = RELEASES[1]                                # the fixed-width release
    text = src.read_text(encoding="utf-8")
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(make_pdf(text.split("\n")))
    utf16 = tmp_path / "release-utf16.txt"
    utf16.write_bytes(text.encode("utf-16"))
    counts = {}
    for p in (src, pdf, utf16):
        out = tmp_path / f"{p.stem}.csv"
        r = run_cli("extract", p, "-o", out)
        assert r.returncode == 0, r.stderr
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert {row["doc"] for row in rows} == {p.name}
        counts[p.suffix + p.stem[-5:]] = sorted((row["row_label"], row["printed"]) for row in rows)
    first, *others = counts.values()
    assert first and all(o == first for o in others)


# -- commands, outputs and exit status -------------------------------------------------------
def test_an_unknown_command_is_a_usage_error_and_never_opens_the_window():
    """`iijdesk frobnicate` was taken as a file to open: the window waited forever (or, with
    no display, Qt aborted with 134)."""
    try:
        r = run_cli("frobnicate", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("an unknown command opened the window")
    assert r.returncode == 2
    assert "invalid choice: 'frobnicate'" in r.stderr and "extract" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_cli("nowhere.txt", timeout=60)
    assert r.returncode == 2 and "nowhere.txt: no such file or folder" in r.stderr


def test_the_window_without_a_display_is_a_message_not_an_abort():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    r = run_cli(RELEASES[0], env=env, timeout=60)
    assert r.returncode == 2, (r.returncode, r.stderr[-500:])
    assert "no display" in r.stderr and "extract" in r.stderr


@pytest.mark.parametrize("cmd", ["extract", "check", "export"])
def test_an_output_naming_a_folder_is_a_message(tmp_path, cmd):
    r = run_cli(cmd, RELEASES[0], "-o", tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "IsADirectoryError" not in r.stderr
    assert "is a folder" in r.stderr


@pytest.mark.parametrize("cmd, name", [("extract", "facts.csv"), ("check", "findings.csv"),
                                       ("export", "book.xlsx")])
def test_every_command_refuses_to_overwrite_without_force(tmp_path, cmd, name):
    out = tmp_path / name
    out.write_bytes(b"keep me")
    r = run_cli(cmd, RELEASES[4], "-o", out)
    assert r.returncode == 2, r.stderr
    assert "already exists" in r.stderr and "--force" in r.stderr and "Traceback" not in r.stderr
    assert out.read_bytes() == b"keep me"
    r = run_cli(cmd, RELEASES[4], "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() != b"keep me"


def test_check_fail_on_gives_a_nonzero_exit_when_such_findings_exist(tmp_path):
    r = run_cli("check", *RELEASES, "-o", tmp_path / "a.csv", "--fail-on", "error")
    assert r.returncode == 3, r.stderr
    assert "finding(s) of severity error" in r.stderr
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert any(row["severity"] == "error" for row in rows)        # the file is still written
    clean = tmp_path / "clean.txt"
    clean.write_text("Revenues (JPY millions)\n\n              2009     2010\n"
                     "Sales         100      110\nCosts          60       70\n"
                     "Total         160      180\n", encoding="utf-8")
    r = run_cli("check", clean, "-o", tmp_path / "b.csv", "--fail-on", "warning")
    assert r.returncode == 0, r.stderr
    r = run_cli("check", *RELEASES, "-o", tmp_path / "c.csv")
    assert r.returncode == 0                                      # without the flag: 0 as before


def test_two_files_of_one_name_are_two_releases_and_the_same_file_twice_is_one(tmp_path):
    import shutil
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "release.txt", tmp_path / "b" / "release.txt"
    shutil.copy(RELEASES[0], a)
    shutil.copy(RELEASES[4], b)
    out = tmp_path / "facts.csv"
    r = run_cli("extract", a, b, a, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "from 2 of 3 files" in r.stdout
    assert "another loaded file has that name, so this one is b/release.txt" in r.stderr
    assert "already loaded as release.txt (the same file)" in r.stderr
    with open(out, newline="", encoding="utf-8") as f:
        docs = [row["doc"] for row in csv.DictReader(f)]
    assert set(docs) == {"release.txt", "b/release.txt"}
    assert docs.count("b/release.txt") > 100 and docs.count("release.txt") > 100


# -- update: the analyst's own model ---------------------------------------------------------
def test_update_links_audits_and_rolls_a_model_forward(tmp_path):
    from tests.model_builder import build_model_b

    model = tmp_path / "model.xlsx"
    plan = build_model_b(model)
    before = model.read_bytes()
    audit = tmp_path / "audit.csv"
    r = run_cli("update", model, *RELEASES, "--audit", audit)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "model-updated.xlsx"                     # the default name of the copy
    assert out.exists() and model.read_bytes() == before
    assert f"updated copy -> {out}" in r.stdout
    assert "labels in column B" in r.stdout and "rows 2-3" in r.stdout
    assert f"{len(plan.planted)} differ from the releases" in r.stdout
    for cell in plan.planted:
        assert f"P&L!{cell} " in r.stdout
    with open(audit, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["cell"]: row["kind"] for row in rows} == plan.planted
    assert all(row["doc"] and int(row["line"]) > 0 for row in rows)


def test_update_never_overwrites_and_says_why(tmp_path):
    from tests.model_builder import build_model_a

    model = tmp_path / "model.xlsx"
    build_model_a(model)
    before = model.read_bytes()
    r = run_cli("update", model, RELEASES[0], "-o", model, "-f")
    assert r.returncode == 2 and "is the model itself" in r.stderr
    out = tmp_path / "copy.xlsx"
    out.write_bytes(b"keep me")
    r = run_cli("update", model, RELEASES[0], "-o", out)
    assert r.returncode == 2 and "already exists" in r.stderr and out.read_bytes() == b"keep me"
    r = run_cli("update", tmp_path / "nope.xlsx", RELEASES[0], "-o", tmp_path / "x.xlsx")
    assert r.returncode == 1 and "nope.xlsx: no such file" in r.stderr
    r = run_cli("update", model, tmp_path / "missing.txt", "-o", tmp_path / "y.xlsx")
    assert r.returncode == 1 and "no release could be read" in r.stderr
    r = run_cli("update", model, RELEASES[0], "--period-row", "1", "-o", tmp_path / "z.xlsx")
    assert r.returncode == 1 and "no sheet names periods" in r.stderr
    assert "Traceback" not in r.stderr and model.read_bytes() == before
