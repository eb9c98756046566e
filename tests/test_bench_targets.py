"""bench/targets.py: issue 19's targets in one table, from the benchmarks'
result files (no benchmark runs here: the files are made up)."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))

import targets  # noqa: E402


def _run(db, rows, checks, at="2026-11-27T10:00:00"):
    return {"db": db, "rows": rows, "started_at": at, "finished_at": at, "machine_speed_ms": 60.0,
            "checks": [{"line": line, "target": target, "value": value, "pass": ok}
                       for line, target, value, ok in checks]}


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(targets, "RESULTS", str(tmp_path))
    runs = {
        "sqlite@100000": _run("sqlite", 100_000, [
            ("1. list page", "≤ 0.7× a stock FAB app with our search_columns (p50, issue 19)", "0.55×", True),
            ("1. list page", "stricter: ≤ 0.7× FAB's ModelView inside this app", "0.93×", False),
            ("1. list page", "≤ 5 SQL queries", "3", True),
            ("6d. first PDF after start-up", "≤ 100 ms", "45.0 ms", True),
            ("7. start-up", "≤ 3 s", "2.5 s", True)]),
        "postgresql@100000": _run("postgresql", 100_000, [("4. show page", "≤ 5 SQL queries", "5", True)]),
        "postgresql@1000000": _run("postgresql", 1_000_000, [
            ("3b. search ?q=ay (short)", "p95 ≤ 50 ms (issue 19)", "30.1 ms", True),
            ("4. show page", "≤ 5 SQL queries", "5", True)]),
    }
    (tmp_path / "latest.json").write_text(json.dumps({"runs": runs}), encoding="utf-8")
    (tmp_path / "home.json").write_text(json.dumps([{
        "db": "postgresql", "started_at": "2026-11-27T10:05:00", "list": {"p50_ms": 10.0},
        "roles": {"mudur": {"queries": 10, "p50_ms": 16.0, "ratio_to_list": 1.6},
                  "memur": {"queries": 10, "p50_ms": 14.0, "ratio_to_list": 1.4}}}]), encoding="utf-8")
    (tmp_path / "load.json").write_text(json.dumps({
        "generated_at": "2026-11-27T10:10:00",
        "calibration": "Machine speed: a fixed pure-Python workload took 61.5 ms (bench.machine_speed)",
        "targets": [{"target": "100 clerks: non-PDF p95 ≤ 100 ms", "value": "43.4 ms", "pass": True}]}),
        encoding="utf-8")
    (tmp_path / "latest.md").write_text("# Özel Kalem benchmark — latest results\n\nGenerated …\n\n## sqlite\n",
                                        encoding="utf-8")
    return tmp_path


def test_every_target_gets_one_line_with_its_verdict(results):
    rows, md = targets.write({"started": "2026-11-27T09:59:00", "finished": "2026-11-27T10:20:00"})
    named = [r["target"] for r in rows]
    # issue 19's targets; the stricter baseline and the start-up (an older issue) are listed apart
    assert "1. list page: ≤ 5 SQL queries" in named
    assert not any("stricter" in t or t.startswith("7. start-up") for t in named)
    assert "3b. search ?q=ay (short): p95 ≤ 50 ms (issue 19)" in named
    assert sum("show page" in t for t in named) == 1        # the 1M run counts for its searches only
    assert any(t.startswith("home page (mudur)") for t in named)
    assert "100 clerks: non-PDF p95 ≤ 100 ms" in named
    assert "**7 of 8 targets pass.**" in md
    assert "| home.py postgresql | home page (mudur)" in md and "1.6× | **FAIL** |" in md
    assert "every figure below comes from that run" in md
    assert "61.5 ms" in md and "stricter" in md.split("Other checks")[1]


def test_a_part_outside_the_run_is_said_so(results):
    _rows, md = targets.write({"started": "2026-11-27T10:01:00", "finished": "2026-11-27T10:20:00"})
    assert "some figures below come from separate runs" in md


def test_the_table_heads_latest_md_once(results):
    targets.write(None)
    targets.write(None)
    text = (results / "latest.md").read_text(encoding="utf-8")
    assert text.count(targets.BEGIN) == 1 and text.count(targets.END) == 1
    assert text.startswith("# Özel Kalem benchmark — latest results\n\n" + targets.BEGIN)
    assert "## sqlite" in text and "Generated …" in text
    assert "not one `make bench-all`" in text
