"""An HTTP load driver for servers on this machine (127.0.0.1 only), in two modes.

Closed loop (`run`), for throughput: `concurrency` clients each send a request, wait for the
whole response, and send the next, for `warmup + duration` seconds; only requests that start
after the warm-up count. Its latencies are those of a saturated server: mostly time spent
queueing behind the other clients, so they grow with `concurrency`, whatever the page costs.

Open loop (`run_at_rate`), for latency: requests start on a fixed schedule (`rate` per second,
evenly spaced) whether or not earlier ones have finished, and each latency is counted from
its scheduled start, so a stalled server is not hidden by a driver that waits for it
("coordinated omission"). Run at a fraction of the measured throughput, it gives the latency a
user sees on a busy but not overloaded server. Every
request opens its own connection and says `Connection: close`, as gunicorn's sync workers
behind a proxy see them. Latencies are wall-clock from connect to the last byte.

The driver shares the machine's cores with the server: its own CPU time is reported with the
figures (`client_cpu_s`) so that a reader can see how much of the machine it took. With a
`probe`, the CPU seconds of every process group (the server's workers, the database's backends,
Redis, this driver) are read when the measured window opens and closes (`cpu_s`): CPU per
request does not move with what else runs on the machine, as throughput does.
"""

from __future__ import annotations

import asyncio
import ipaddress
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

# One request, or a sequence sent one after the other by the same client (each on its own
# connection, as a browser's steps): the check applies to the last answer, the others must not
# be errors, and the latency is the whole sequence's.
# A step of a sequence: raw bytes, or built from the previous step's answer (a form that
# names what the previous request created).
Step = bytes | Callable[[bytes], bytes]
MakeRequest = Callable[[int], bytes | list[Step]]
Check = Callable[[int, bytes], bool]
# Called when the measured window opens and when it closes; returns CPU seconds so far by
# process group (server, database, Redis, driver); the Result keeps the differences.
Probe = Callable[[], dict[str, float]]


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    concurrency: int
    client_cpu_s: float
    first_error: str = ""
    # CPU seconds spent in the measured window by each process group (see Probe).
    cpu_s: dict[str, float] | None = None
    p95_ms: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def http_request(
    method: str,
    path: str,
    *,
    host: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def status_of(response: bytes) -> int:
    try:
        return int(response[9:12])
    except ValueError:
        return 0


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[index]


async def _client(
    host: str,
    port: int,
    make_request: MakeRequest,
    check: Check,
    counter: list[int],
    start_measure: float,
    stop: float,
    latencies: list[float],
    errors: list[str],
) -> None:
    while time.perf_counter() < stop:
        counter[0] += 1
        request = make_request(counter[0])
        started = time.perf_counter()
        ok, error = await _one(host, port, request, check)
        finished = time.perf_counter()
        if started < start_measure or finished > stop:
            continue
        if ok:
            latencies.append(finished - started)
        else:
            errors.append(error)


async def _run(
    name: str,
    host: str,
    port: int,
    make_request: MakeRequest,
    check: Check,
    concurrency: int,
    duration: float,
    warmup: float,
    probe: Probe | None = None,
) -> Result:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the load driver only targets this machine, not {host}")
    latencies: list[float] = []
    errors: list[str] = []
    counter = [0]
    cpu_before = time.process_time()
    now = time.perf_counter()
    start_measure, stop = now + warmup, now + warmup + duration
    window: list[dict[str, float]] = []
    await asyncio.gather(
        _probe_window(probe, start_measure, stop, window),
        *(
            _client(
                host, port, make_request, check, counter, start_measure, stop, latencies, errors
            )
            for _ in range(concurrency)
        ),
    )
    cpu = time.process_time() - cpu_before
    result = _result(name, latencies, errors, duration, warmup, cpu, concurrency=concurrency)
    result.cpu_s = _difference(window)
    return result


async def _probe_window(
    probe: Probe | None, start: float, stop: float, window: list[dict[str, float]]
) -> None:
    """Read the probe when the measured window opens and when it closes."""
    if probe is None:
        return
    for moment in (start, stop):
        await asyncio.sleep(max(0.0, moment - time.perf_counter()))
        window.append({**probe(), "driver": time.process_time()})


def _difference(window: list[dict[str, float]]) -> dict[str, float] | None:
    if len(window) != 2:
        return None
    before, after = window
    return {k: round(after[k] - before.get(k, 0.0), 3) for k in after}


def _result(
    name: str,
    latencies: list[float],
    errors: list[str],
    duration: float,
    warmup: float,
    cpu: float,
    *,
    concurrency: int,
) -> Result:
    ms = sorted(v * 1000 for v in latencies)
    return Result(
        name=name,
        requests=len(ms),
        errors=len(errors),
        seconds=duration,
        rps=round(len(ms) / duration, 1),
        p50_ms=round(percentile(ms, 0.50), 1),
        p99_ms=round(percentile(ms, 0.99), 1),
        p95_ms=round(percentile(ms, 0.95), 1),
        mean_ms=round(statistics.fmean(ms), 1) if ms else 0.0,
        concurrency=concurrency,
        client_cpu_s=round(cpu * duration / (duration + warmup), 1),
        first_error=errors[0] if errors else "",
    )


async def _one(host: str, port: int, request: bytes | list[Step], check: Check) -> tuple[bool, str]:
    if isinstance(request, list):
        *steps, last = request
        answer = b""
        for step in steps:
            raw = step(answer) if callable(step) else step
            ok, answer = await _send(host, port, raw, lambda status, _r: 0 < status < 400)
            if not ok:
                return ok, answer[:300].decode("utf-8", "replace")
        request = last(answer) if callable(last) else last
    ok, answer = await _send(host, port, request, check)
    return ok, "" if ok else answer[:300].decode("utf-8", "replace")


async def _send(host: str, port: int, request: bytes, check: Check) -> tuple[bool, bytes]:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
        writer.write(request)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), 60)
        writer.close()
    except (OSError, TimeoutError) as exc:
        return False, f"{type(exc).__name__}: {exc}".encode()
    return check(status_of(response), response), response


async def _run_at_rate(
    name: str,
    host: str,
    port: int,
    make_request: MakeRequest,
    check: Check,
    rate: float,
    duration: float,
    warmup: float,
    probe: Probe | None = None,
) -> Result:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the load driver only targets this machine, not {host}")
    latencies: list[float] = []
    errors: list[str] = []
    cpu_before = time.process_time()
    start = time.perf_counter()
    start_measure = start + warmup
    total = int((warmup + duration) * rate)

    async def timed(i: int, scheduled: float) -> None:
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        ok, error = await _one(host, port, make_request(i), check)
        if scheduled < start_measure:
            return
        if ok:
            latencies.append(time.perf_counter() - scheduled)
        else:
            errors.append(error)

    window: list[dict[str, float]] = []
    await asyncio.gather(
        _probe_window(probe, start_measure, start_measure + duration, window),
        *(timed(i, start + i / rate) for i in range(total)),
    )
    cpu = time.process_time() - cpu_before
    result = _result(name, latencies, errors, duration, warmup, cpu, concurrency=0)
    result.cpu_s = _difference(window)
    return result


def run_at_rate(
    name: str,
    *,
    port: int,
    make_request: MakeRequest,
    check: Check,
    rate: float,
    duration: float = 20.0,
    warmup: float = 2.0,
    host: str = "127.0.0.1",
    probe: Probe | None = None,
) -> Result:
    """Send `rate` requests a second on a fixed schedule; latencies from the scheduled start."""
    return asyncio.run(
        _run_at_rate(name, host, port, make_request, check, rate, duration, warmup, probe)
    )


def run(
    name: str,
    *,
    port: int,
    make_request: MakeRequest,
    check: Check,
    concurrency: int = 8,
    duration: float = 20.0,
    warmup: float = 3.0,
    host: str = "127.0.0.1",
    probe: Probe | None = None,
) -> Result:
    """Drive one scenario and return its figures."""
    return asyncio.run(
        _run(name, host, port, make_request, check, concurrency, duration, warmup, probe)
    )
