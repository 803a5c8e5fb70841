"""What `make bench` writes: the table of each database, the ratios, and the section of
docs/benchmarks.md between the markers below, replaced on each run, with a verdict per target of
issue 19 computed from the figures. Functions of the result JSON only (bench/results/*.json),
so that they are tested without a server (desk/benchdata/tests/test_report.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOC_START = "<!-- make bench: start -->"
DOC_END = "<!-- make bench: end -->"
# Where a first section goes when the doc has no markers yet: before the first of these.
DOC_BEFORE = ("### Figures with the new harness", "## Figures measured by the old harness")

EMPTY, LOOKUP, APPLICATION = "empty", "tracking lookup", "application (200 KB staged upload)"
INBOX, SEARCH, SERVICE = "staff inbox", "catalog search", "service page"
PEER_EMPTY, PEER_VIEW = "peer empty", "peer public ticket view"
PEER_SUBMISSION = "peer ticket submission (200 KB upload)"
# Our pages, each next to the peer's page it is compared with (None: no counterpart).
PAIRS: tuple[tuple[str, str | None], ...] = (
    (EMPTY, PEER_EMPTY),
    (LOOKUP, PEER_VIEW),
    (APPLICATION, PEER_SUBMISSION),
    (INBOX, None),
    (SEARCH, None),
    (SERVICE, None),
)
FULL_SCALE = 1_000_000
DB_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def side(res: dict[str, Any], group: str, name: str) -> float | None:
    """Server-side CPU ms per request (server + database + Redis) of a scenario, if measured
    (a scenario with wrong answers has no figure: its CPU went to errors)."""
    row = res.get(group, {}).get(name)
    return row["cpu_ms"]["side"] if row and not row.get("errors") else None


def of_ceiling(res: dict[str, Any], name: str) -> float | None:
    """A page's share of the ceiling: the empty view's server-side CPU per request ÷ the
    page's (0.4 = the page costs 2.5 empty requests)."""
    empty, page = side(res, "desk", EMPTY), side(res, "desk", name)
    return empty / page if empty and page else None


def against_peer(res: dict[str, Any], ours: str, theirs: str) -> float | None:
    """How many times cheaper our page is than the peer's counterpart (server-side CPU)."""
    mine, other = side(res, "desk", ours), side(res, "peer", theirs)
    return other / mine if mine and other else None


def inbox_p99(res: dict[str, Any]) -> tuple[float | None, float | None]:
    """The staff inbox's p99 in ms: saturated (closed loop, median of the rounds) and paced."""
    row = res.get("desk", {}).get(INBOX)
    if not row or row.get("errors"):
        return None, None
    paced = row.get("at_rate")
    return row["p99_ms"], paced["p99_ms"] if paced else None


@dataclass(frozen=True)
class Verdict:
    target: str
    db: str
    figure: str  # the measured figure, as shown
    met: bool | None  # None: not measured in this run


def _share(value: float | None, goal: float) -> tuple[str, bool | None]:
    return ("—", None) if value is None else (f"{value * 100:.0f} %", value >= goal)


def _times(value: float | None, goal: float) -> tuple[str, bool | None]:
    return ("—", None) if value is None else (f"{value:.1f}×", value >= goal)


def verdicts(report: dict[str, Any]) -> list[Verdict]:
    """Every target of issue 19 against this run's figures, per database measured."""
    out: list[Verdict] = []
    for db, res in report["runs"].items():
        full = res.get("requests_in_database", 0) >= FULL_SCALE
        rows: list[tuple[str, tuple[str, bool | None]]] = [
            ("lookup ≥ 40 % of the ceiling", _share(of_ceiling(res, LOOKUP), 0.40)),
            ("service page ≥ 40 % of the ceiling", _share(of_ceiling(res, SERVICE), 0.40)),
            ("catalog search ≥ 40 % of the ceiling", _share(of_ceiling(res, SEARCH), 0.40)),
        ]
        saturated, _paced = inbox_p99(res)
        if saturated is None:
            inbox: tuple[str, bool | None] = ("—", None)
        else:
            inbox = (f"{saturated:g} ms", saturated <= 100 if full else None)
            if not full:
                inbox = (f"{saturated:g} ms at {res['requests_in_database']:,} requests", None)
        rows.append(("inbox p99 ≤ 100 ms at 1,000,000 requests, saturated", inbox))
        goal = 0.20 if db == "sqlite" else 0.15
        rows.append(
            (
                "application ≥ 20 % of the ceiling on SQLite, ≥ 15 % on PostgreSQL",
                _share(of_ceiling(res, APPLICATION), goal),
            )
        )
        rows.append(
            ("lookup ≥ 3× django-helpdesk", _times(against_peer(res, LOOKUP, PEER_VIEW), 3))
        )
        rows.append(
            (
                "application ≥ 2× django-helpdesk",
                _times(against_peer(res, APPLICATION, PEER_SUBMISSION), 2),
            )
        )
        out += [Verdict(target, db, figure, met) for target, (figure, met) in rows]
    return out


def _ratio(part: float, whole: float) -> str:
    return f"{whole / part:.0%}" if part else "—"


def table(report: dict[str, Any], pages: dict[str, str] | None = None) -> str:
    """Each database's figures as markdown; `pages` maps bench/instructions.py's page keys to
    the scenario names (hotspots.PAGES), for the instruction counts."""
    pages = pages or {}
    lines = []
    for db, res in report["runs"].items():
        instructions = res.get("instructions", {})
        earlier = res.get("from")
        lines += [
            f"\n#### {DB_NAMES.get(db, db)} — {res['requests_in_database']:,} requests "
            "in the database\n",
            *(
                [
                    f"(From an earlier run: {earlier['started']}, commit `{earlier['commit']}`, "
                    f"`{earlier['raw']}`.)\n"
                ]
                if earlier
                else []
            ),
            "| scenario | req/s | CPU ms/req: server | database | Redis | driver | server side "
            "| ÷ ceiling (CPU) | ÷ ceiling (req/s) | p50 ms | p99 ms | paced at | p50 ms "
            "| p99 ms | instructions/req | load avg |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for group in ("desk", "peer"):
            rows = res.get(group, {})
            if not rows:
                continue
            own_empty = rows.get(EMPTY, rows.get(PEER_EMPTY, {}))
            for r in rows.values():
                cpu = r["cpu_ms"]
                at = r.get("at_rate")
                pace = (
                    f"{at['rate']:,.0f}/s | {at['p50_ms']} | {at['p99_ms']}" if at else "— | — | —"
                )
                key = next((k for k, v in pages.items() if v == r["name"]), "")
                count = instructions.get(key)
                counted = f"{count / 1e6:.2f} M" if count else "—"
                loads = "–".join(f"{x:.1f}" for x in (min(r["loadavg"]), max(r["loadavg"])))
                by_cpu = _ratio(cpu["side"], own_empty["cpu_ms"]["side"])
                by_rps = r["rps"] / max(own_empty["rps"], 0.1)
                if r.get("errors"):
                    lines.append(
                        f"| {r['name']} | **failed: {r['errors']:,} wrong answers of "
                        f"{r['requests']:,}**; no figure |" + " |" * 14
                    )
                    continue
                lines.append(
                    f"| {r['name']} | {r['rps']:,.0f} | {cpu['server']:.2f} "
                    f"| {cpu['database']:.2f} | {cpu['redis']:.2f} | {cpu['driver']:.2f} "
                    f"| {cpu['side']:.2f} | {by_cpu} | {by_rps:.0%} | {r['p50_ms']} "
                    f"| {r['p99_ms']} | {pace} | {counted} | {loads} |"
                )
        if "peer" in res:
            ours, theirs = res["desk"], res["peer"]
            lines.append("")
            for a, b in PAIRS[1:3]:
                assert b is not None
                mine_or_none, other_or_none = side(res, "desk", a), side(res, "peer", b)
                if mine_or_none is None or other_or_none is None:
                    lines.append(f"- {a} ÷ {b}: not measured (a scenario failed)")
                    continue
                mine, other = mine_or_none, other_or_none
                lines.append(
                    f"- {a} ÷ {b}, by server-side CPU per request: "
                    f"**{other / max(mine, 1e-9):.1f}×** ({mine:.2f} against {other:.2f} ms); "
                    f"by req/s in the same rounds: "
                    f"{ours[a]['rps'] / max(theirs[b]['rps'], 0.1):.1f}×"
                )
        saturated, paced = inbox_p99(res)
        if saturated is not None:
            shown = f"{paced:g} ms" if paced is not None else "not measured"
            lines.append(f"- staff inbox p99: **{saturated:g} ms** saturated, {shown} paced")
    return "\n".join(lines)


def _loads(report: dict[str, Any]) -> str:
    start = report["machine"].get("loadavg_at_start") or []
    end = report["machine"].get("loadavg_at_end") or []
    shown = [f"{x[0]:.1f} at the start" for x in (start,) if x]
    shown += [f"{x[0]:.1f} at the end" for x in (end,) if x]
    rounds = [
        value
        for res in report["runs"].values()
        for group in ("desk", "peer")
        for row in res.get(group, {}).values()
        for value in row.get("loadavg", [])
    ]
    if rounds:
        shown.append(f"{min(rounds):.1f}–{max(rounds):.1f} over the measured rounds")
    return ", ".join(shown) or "not recorded"


def with_earlier(report: dict[str, Any], results: Path, raw: str) -> dict[str, Any]:
    """This run's result with, for each database it did not measure (BENCH_DBS=postgres, then
    BENCH_DBS=sqlite), the newest earlier run of that database at the same scale from
    `results` (bench/results/*.json), marked with where it comes from; so that the doc's
    section keeps both databases when they are measured by separate runs."""
    merged = {**report, "runs": {}}
    for db in DB_NAMES:
        if db in report["runs"]:
            merged["runs"][db] = report["runs"][db]
            continue
        for path in sorted(results.glob("bench-*.json"), reverse=True):
            if path.name == Path(raw).name:
                continue
            try:
                earlier = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            same_scale = earlier.get("settings", {}).get("scale") == report["settings"]["scale"]
            if same_scale and db in earlier.get("runs", {}):
                merged["runs"][db] = {
                    **earlier["runs"][db],
                    "from": {
                        "raw": f"bench/results/{path.name}",
                        "started": earlier.get("started", ""),
                        "commit": earlier.get("commit", "unknown"),
                    },
                }
                break
    merged["runs"].update({db: r for db, r in report["runs"].items() if db not in merged["runs"]})
    return merged


def section(report: dict[str, Any], *, raw: str, pages: dict[str, str] | None = None) -> str:
    """The doc's section for this run, markers included."""
    m, s = report["machine"], report["settings"]
    started = report["started"].replace("T", " ").replace("+00:00", " UTC")
    finished = report.get("finished", "").replace("T", " ").replace("+00:00", " UTC")
    dbs = [DB_NAMES.get(db, db) for db, res in report["runs"].items() if "from" not in res]
    lines = [
        DOC_START,
        "### Latest `make bench` (written by `bench/run.py`, replaced by each run)",
        "",
        'Figures of the new harness (see "Method" above), computed from the run\'s result '
        "JSON: nothing here is edited by hand.",
        "",
        f"- **When**: {started}" + (f" – {finished}" if finished else ""),
        f"- **Commit**: `{report.get('commit', 'unknown')}`",
        f"- **Scale**: {s['scale']:g} ({', '.join(dbs)})",
        f"- **Machine**: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}",
        f"- **Load average**: {_loads(report)}",
        f"- **Settings**: interleaved rounds: {s['rounds']}, each scenario {s['duration_s']:g} s "
        f"per round after {s['warmup_s']:g} s of warm-up, {s['concurrency']} clients, "
        f"{s['gunicorn_workers']} gunicorn workers, paced at {s['latency_load']:.0%} of each "
        "page's throughput",
        f"- **Command**: `{report.get('command', 'make bench')}`",
        f"- **Raw figures**: `{raw}`",
        "",
        "#### Targets of issue 19",
        "",
        "Ratios to the ceiling and to django-helpdesk are of server-side CPU per request "
        "(server + database + Redis) in the same rounds; the inbox's p99 is the saturated one "
        "(8 clients), its paced p99 is below each table. The application is one citizen's "
        "(its upload, the form, «send»): its figures are per application.",
        "",
    ]
    found = verdicts(report)
    columns = list(dict.fromkeys(v.db for v in found))
    lines.append("| target | " + " | ".join(DB_NAMES.get(db, db) for db in columns) + " |")
    lines.append("|---|" + "---|" * len(columns))
    by_target: dict[str, dict[str, Verdict]] = {}
    for v in found:
        by_target.setdefault(v.target, {})[v.db] = v
    for target, cells in by_target.items():
        shown = []
        for db in columns:
            cell = cells.get(db)
            if cell is None or cell.met is None:
                figure = cell.figure if cell else "—"
                shown.append(f"{figure} — not measured at the target's terms")
            else:
                shown.append(f"{cell.figure} — **{'met' if cell.met else 'not met'}**")
        lines.append(f"| {target} | " + " | ".join(shown) + " |")
    lines += [table(report, pages), "", DOC_END]
    return "\n".join(lines)


def write_doc(doc: Path, text: str) -> None:
    """Put `text` (a section with its markers) in `doc`: in place of the last run's, or
    before the first heading of DOC_BEFORE the first time. Markers and headings count on
    lines of their own only (the doc's prose names the markers too)."""
    current = doc.read_text(encoding="utf-8")
    marked = re.compile(
        rf"^{re.escape(DOC_START)}$.*?^{re.escape(DOC_END)}$", re.DOTALL | re.MULTILINE
    )
    if marked.search(current):
        updated = marked.sub(lambda _m: text, current, count=1)
    else:
        headings = (re.search(rf"^{re.escape(h)}", current, re.MULTILINE) for h in DOC_BEFORE)
        at = min((found.start() for found in headings if found), default=-1)
        if at < 0:
            updated = current.rstrip("\n") + "\n\n" + text + "\n"
        else:
            updated = current[:at] + text + "\n\n" + current[at:]
    doc.write_text(updated, encoding="utf-8")
