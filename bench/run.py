"""Run every benchmark of the project and write `bench/RESULTS.md`.

Each `bench/bench_*.py` module exposes `run(quick: bool) -> list[dict]` returning rows
`{name, value, unit, baseline, ratio}` (`ratio` = value / baseline of the same run, so below 1
means faster or smaller than the baseline). Every module runs in its own Python process, so a
crash, a hang past its time budget or a leak in one module is reported as a failed benchmark
and the others still run. `--quick` (CI) gives each module a budget so that the whole run
stays under three minutes on two cores; the full mode has no budget and gives the numbers.

CLI: `python -m bench.run [--quick] [--only bench_ingest] [--merge] [-o bench/RESULTS.md]`.
With `--merge`, the sections of modules that did not run this time are kept from the existing
report (each section says when and in which mode it was measured), so one module can be
measured again without repeating the hour-long full run. Exit status 1 when a module failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
# Seconds each module may take in --quick mode; together at most three minutes. Measured on
# the 2-core machine with other work running (load ~2): views 24 s, sparql 23 s, ingest 12 s,
# scale 6 s; earlier (load ~7): privacy 15 s (5 s CPU), analysis 9 s, extract 7 s, oparl 6 s.
QUICK_BUDGET = {
    "bench_ingest": 35,
    "bench_sparql": 35,
    "bench_views": 45,
    "bench_privacy": 20,
    "bench_analysis": 12,
    "bench_scale": 12,
    "bench_oparl": 10,
    "bench_extract": 10,
}
DEFAULT_QUICK_BUDGET = 10
FULL_BUDGET = 4 * 3600
PACKAGES = (
    "ratsgraph", "rdflib", "pyoxigraph", "networkx", "numpy", "scipy", "pyvis", "jinja2",
    "typer", "dask", "distributed", "playwright",
)  # fmt: skip


@dataclass(slots=True)
class Outcome:
    """What one benchmark module produced: rows, or the reason it failed."""

    module: str
    seconds: float
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    doc: str = ""
    kept: str = ""  # with --merge: the section as an earlier report wrote it


def discover() -> list[str]:
    """Names of the benchmark modules present, sorted."""
    return sorted(path.stem for path in BENCH.glob("bench_*.py"))


def run_module(module: str, quick: bool, budget: float) -> Outcome:
    """Run one module's `run(quick)` in a child process with a time budget."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, "-m", "bench.run", "--child", module, "--rows", str(out)]
        if quick:
            command.append("--quick")
        start = time.perf_counter()
        # A session of its own, so that a timeout also stops what the module started.
        with subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        ) as child_process:  # fmt: skip
            try:
                output, _ = child_process.communicate(timeout=budget)
            except subprocess.TimeoutExpired:
                os.killpg(child_process.pid, signal.SIGKILL)
                child_process.communicate()
                seconds = time.perf_counter() - start
                return Outcome(module, seconds, error=f"exceeded its budget of {budget:.0f} s")
        seconds = time.perf_counter() - start
        if not out.is_file():
            tail = output.strip().splitlines()[-1:] or ["no output"]
            code = child_process.returncode
            return Outcome(module, seconds, error=f"exit code {code}: {tail[0]}")
        result = json.loads(out.read_text(encoding="utf-8"))
    return Outcome(module, seconds, result.get("rows", []), result.get("error"), result["doc"])


def child(module: str, quick: bool, rows_path: Path) -> int:
    """Inside the child process: import and run one module, write its rows as JSON."""
    result: dict[str, Any] = {"doc": "", "rows": [], "error": None}
    try:
        imported = import_module(f"bench.{module}")
        result["doc"] = (imported.__doc__ or "").strip().split("\n\n")[0]
        result["rows"] = [_clean_row(row) for row in imported.run(quick)]
    except Exception as error:  # a failing benchmark is a result, not a crash of the run
        traceback.print_exc()
        result["error"] = f"{type(error).__name__}: {error}".splitlines()[0][:300]
    rows_path.write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in ("name", "value", "unit", "baseline", "ratio")}


# ---------------------------------------------------------------- report


def machine_info() -> dict[str, str]:
    """CPU, memory, Python and package versions of this machine, as display strings."""
    info = {
        "CPU": f"{_cpu_model()} ({os.cpu_count()} logical CPUs)",
        "RAM": _memory(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    info["packages"] = ", ".join(versions)
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def render(outcomes: list[Outcome], quick: bool, started: dt.datetime, total: float) -> str:
    """The Markdown report."""
    mode = "--quick" if quick else "full"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench.run{' --quick' if quick else ''}` on "
        f"{started:%Y-%m-%d %H:%M} UTC ({mode} mode, {total:.0f} s in all). `ratio` is "
        "value / baseline, both measured in the same run: below 1 means faster or smaller "
        "than the baseline."
        + (
            " Some sections were kept from earlier runs (`--merge`): each says when it was"
            " measured, on the machine below unless it says otherwise."
            if any(o.kept for o in outcomes)
            else ""
        ),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in machine_info().items()]
    lines += [
        "",
        "## Summary",
        "",
        "| benchmark | status | seconds | rows |",
        "|---|---|---:|---:|",
    ]
    for o in outcomes:
        status = "ok" if o.error is None else f"**failed**: {_cell(o.error)}"
        if o.kept:
            status = "kept from an earlier run"
        lines.append(f"| {o.module} | {status} | {o.seconds:.1f} | {len(o.rows)} |")
    for o in outcomes:
        if o.kept:
            lines += ["", o.kept.rstrip("\n")]
            continue
        lines += [
            "",
            f"## {o.module}",
            "",
            f"Measured {started:%Y-%m-%d %H:%M} UTC, {mode} mode.",
            "",
        ]
        if o.doc:
            lines += [o.doc.replace("\n", " "), ""]
        if o.error:
            lines += [f"Failed: {_cell(o.error)}", ""]
        if o.rows:
            lines += ["| figure | value | unit | baseline | ratio |", "|---|---:|---|---:|---:|"]
            lines += [_row_line(row) for row in o.rows]
    return "\n".join(lines) + "\n"


_WRITTEN_RE = re.compile(r" on (?P<date>[\d-]+ [\d:]+) UTC \((?P<mode>--quick|full) mode")


def earlier_sections(report: str) -> dict[str, Outcome]:
    """The module sections of an existing report, as outcomes to keep (`--merge`).

    A section from a report written before sections carried their date gets the report's
    date line, so that no kept figure loses when it was measured.
    """
    head, *parts = report.split("\n## ")
    written = next((line for line in head.splitlines() if line.startswith("Written by")), "")
    seconds = {
        cells[1].strip(): float(cells[3])
        for line in report.splitlines()
        if (cells := line.split("|")) and len(cells) > 4 and cells[1].strip().startswith("bench_")
        and cells[3].strip().replace(".", "", 1).isdigit()
    }  # fmt: skip
    kept: dict[str, Outcome] = {}
    for part in parts:
        module, _, body = part.partition("\n")
        module = module.strip()
        if not module.startswith("bench_"):
            continue
        if "\nMeasured " not in body and (when := _WRITTEN_RE.search(written)):
            body = f"\nMeasured {when['date']} UTC, {when['mode']} mode.\n{body}"
        rows = [line for line in body.splitlines() if line.startswith("| ") and "---" not in line]
        outcome = Outcome(module, seconds.get(module, 0.0), kept=f"## {module}\n{body}")
        outcome.rows = [{} for _ in rows[1:]]  # counted in the summary only
        kept[module] = outcome
    return kept


def _row_line(row: dict[str, Any]) -> str:
    cells = [row.get("name"), row.get("value"), row.get("unit"), row.get("baseline")]
    cells.append(row.get("ratio"))
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmarks and write the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and time budgets (CI)")
    parser.add_argument("--only", action="append", help="run only this module (repeatable)")
    parser.add_argument("-o", "--output", type=Path, default=RESULTS, help="report file")
    parser.add_argument(
        "--merge", action="store_true", help="keep the other modules' sections of the report"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.child:
        return child(args.child, args.quick, args.rows)
    started = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    outcomes = []
    for module in args.only or discover():
        budget = QUICK_BUDGET.get(module, DEFAULT_QUICK_BUDGET) if args.quick else FULL_BUDGET
        log.info("%s (budget %d s) ...", module, budget)
        outcome = run_module(module, args.quick, budget)
        log.info("%s: %s in %.1f s", module, outcome.error or "ok", outcome.seconds)
        outcomes.append(outcome)
    if args.merge and args.output.is_file():
        earlier = earlier_sections(args.output.read_text(encoding="utf-8"))
        ran = {o.module for o in outcomes}
        outcomes += [o for module, o in earlier.items() if module not in ran]
        outcomes.sort(key=lambda o: o.module)
    args.output.write_text(
        render(outcomes, args.quick, started, time.perf_counter() - start), encoding="utf-8"
    )
    log.info("wrote %s", args.output)
    return 1 if any(o.error for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
