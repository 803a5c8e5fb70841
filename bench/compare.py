"""Two trees of Mizkhedmat on the same generated data, a few pages each, in interleaved rounds:
CPU per request of every process group (server, database, Redis, driver) as `make bench`
reads it, for one change's before and after.

    .venv/bin/python bench/compare.py postgres "empty,staff inbox" /tmp/before .
    BENCH_ROUNDS=3 BENCH_DURATION=8 .venv/bin/python bench/compare.py sqlite \
        "empty,tracking lookup" /tmp/before .

Each tree (a `git worktree` of the commit before, with `node_modules` linked from this
checkout, and this checkout) is served in turn by
gunicorn with `bench/run.py`'s settings for that database (its generated data at BENCH_SCALE,
its own redis-server on PostgreSQL) with the tree first on the import path, and its pages
measured saturated (BENCH_CONCURRENCY clients) for BENCH_ROUNDS rounds of BENCH_DURATION
seconds, the trees taking turns round by round so that the machine's load hits both alike.
Pages are `bench/run.py`'s scenario names. Prints each round and, per tree and page, the mean
server-side CPU per request and its share of the empty view's when "empty" is measured.
Nothing is written to docs/ or bench/results/.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load
import local_stack
import run


def fixtures_for(db: str) -> dict[str, Any]:
    """The pages' requests (sessions, codes, slugs), made once by this checkout: data, the
    same for every tree."""
    out = run.run([str(run.PYTHON), "manage.py", "bench_fixtures"], run.desk_env(db), capture=True)
    return dict(json.loads(out.splitlines()[-1]))


def server_for(db: str, tree: Path) -> run.Server:
    env = {**run.desk_env(db), "PYTHONPATH": str(tree)}
    gunicorn = run.ROOT / ".venv" / "bin" / "gunicorn"
    return run.Server(gunicorn, "desk.wsgi", env, tree, "/healthz/", run.PORT)


def drive(scenario: run.Scenario, duration: float, *, warmup: float, probe: Any) -> load.Result:
    """One page saturated (BENCH_CONCURRENCY clients) for ``duration`` seconds."""
    name, make, check = scenario
    return load.run(
        name,
        port=run.PORT,
        make_request=make,
        check=check,
        concurrency=run.CONCURRENCY,
        duration=duration,
        warmup=warmup,
        probe=probe,
    )


def main() -> None:
    db, pages, *trees = sys.argv[1:]
    names = [p.strip() for p in pages.split(",") if p.strip()]
    roots = [Path(t).resolve() for t in trees]
    if db not in ("sqlite", "postgres") or not names or not roots:
        raise SystemExit(__doc__)
    run.prepare_desk(db, run.desk_env(db))
    redis = local_stack.Redis(run.REDIS_PORT) if db == "postgres" else None
    if redis is not None:
        redis.start()
    side: dict[tuple[Path, str], list[float]] = {(t, n): [] for t in roots for n in names}
    try:
        scenarios = {name: (name, m, c) for name, m, c in run.desk_scenarios(fixtures_for(db))}
        for number in range(1, run.ROUNDS + 1):
            for tree in roots:
                server = server_for(db, tree)
                with server:
                    redis_pid = redis.process.pid if redis and redis.process else None
                    probe = run.CpuProbe(server, run.PG_DB if db == "postgres" else None, redis_pid)
                    for name in names:  # warm-up, not measured
                        drive(scenarios[name], run.WARMUP, warmup=0, probe=None)
                    for name in names:
                        result = drive(scenarios[name], run.DURATION, warmup=1, probe=probe)
                        cpu: dict[str, Any] = run.cpu_per_request([result.as_dict()])
                        side[(tree, name)].append(cpu["side"])
                        print(
                            f"round {number} {tree.name:>12} {name:<36} {result.rps:8.1f} req/s"
                            f"  p99 {result.p99_ms:6.1f} ms  errors {result.errors}  cpu {cpu}",
                            flush=True,
                        )
                    probe.close()
    finally:
        if redis is not None:
            redis.stop()
    for tree in roots:
        means = {n: sum(v) / len(v) for (t, n), v in side.items() if t == tree and v}
        rounded = {n: round(m, 3) for n, m in means.items()}
        print(f"{tree}: server-side CPU ms/request {json.dumps(rounded)}")
        for name, mean in means.items():
            if "empty" in means and name != "empty":
                print(f"  {name}: {means['empty'] / mean * 100:.1f} % of the empty view")


if __name__ == "__main__":
    os.environ.setdefault("BENCH", "1")
    main()
