"""Load benchmark of the HTTP API: micro-batching on and off, then 1 worker vs 2 workers.

Starts its own `newsum serve` processes on 127.0.0.1 (one per configuration), drives them
with concurrent clients for a fixed time per level, then overloads a server with a tiny
queue to show 429s while the accepted requests still finish. Stops by itself.

    .venv/bin/python bench/load.py [--duration 4] [--levels 1,8,32] [--workers-only]

``batching_speedup_at_8=<float>``: requests/s with micro-batching over requests/s without,
at 8 concurrent clients, one worker each. Then ``newsum serve --workers 2`` against
``--workers 1`` (both batching on), rounds interleaved, and the 64-request overload on 2
workers; the last line is ``workers2_over_workers1_at_8=<float>`` (req/s at 8 clients).
Ratios, not absolute times, are the point: the clients share the machine with the server.
The CPU column is each serving process's share of a core (Linux): whether the load is
spread over the workers; "rest" is what every other process used meanwhile (this client,
and whatever else runs on the machine: above ~10% the run was not a quiet one).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `newsum serve` subprocess with the given NEWSUM_* settings."""

    def __init__(self, workers: int = 1, **settings: object):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **{f"NEWSUM_{k.upper()}": str(v) for k, v in settings.items()}}
        cmd = [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [*cmd, "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("server not ready in 180 s")

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time so far of each serving process (the workers; with one worker the server
        itself), from /proc: {} where there is none."""
        proc = Path(f"/proc/{self.proc.pid}")
        if not proc.is_dir():
            return {}
        pids = set()
        for task in (proc / "task").iterdir():
            pids |= {int(p) for p in (task / "children").read_text().split()}
        pids = {p for p in pids if b"spawn_main" in _read(f"/proc/{p}/cmdline")}
        tick = os.sysconf("SC_CLK_TCK")
        out = {}
        for pid in pids or {self.proc.pid}:
            fields = _read(f"/proc/{pid}/stat").rsplit(b")", 1)[-1].split()
            if len(fields) > 12:
                out[pid] = (int(fields[11]) + int(fields[12])) / tick
        return out

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def machine_busy() -> float:
    """CPU seconds all processes have used so far (Linux /proc/stat; 0 elsewhere)."""
    fields = _read("/proc/stat").split(b"\n", 1)[0].split()[1:]
    if len(fields) < 8:
        return 0.0
    ticks = [int(x) for x in fields[:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def body(n: int) -> dict:
    """A distinct article each time (the cache is off too): the sample plus a unique line."""
    return {"text": f"{ARTICLES[n % len(ARTICLES)]}\n\nReference number {n}."}


async def drive(base: str, clients: int, duration: float) -> dict:
    """`clients` loops posting back to back for `duration` seconds."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        stop = time.perf_counter() + duration

        async def one_client() -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                r = await client.post("/v1/summarize", json=body(next(counter)))
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    rps = statuses.get(200, 0) / elapsed
    return {"rps": rps, "latencies": latencies, "statuses": statuses, "elapsed": elapsed}


def merge(runs: list[dict]) -> dict:
    """Median req/s over the rounds; latency percentiles over every request of every round."""
    latencies = sorted(x for r in runs for x in r["latencies"])
    statuses: dict[int, int] = {}
    for r in runs:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    busy = [r["busy"] for r in runs if r.get("busy")]
    articles = sum(r["batches"][0] for r in runs)
    batches = sum(r["batches"][1] for r in runs)
    return {
        "batch": articles / batches if batches else float("nan"),
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": percentile(latencies, 0.50) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "n": len(latencies),
        "statuses": statuses,
        "busy": [statistics.mean(x) for x in zip(*busy)] if busy else [],
        "rest": statistics.mean(r.get("rest", 0.0) for r in runs),
    }


def batch_totals(base: str) -> tuple[float, float]:
    """(articles, batches) so far, from the server's own histogram newsum_batch_size."""
    total = count = 0.0
    for line in httpx.get(f"{base}/metrics", timeout=10).text.splitlines():
        if line.startswith("newsum_batch_size_sum"):
            total += float(line.split()[-1])
        elif line.startswith("newsum_batch_size_count"):
            count += float(line.split()[-1])
    return total, count


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


async def warm_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for n in range(4):
            await client.post("/v1/summarize", json=body(10**6 + n))


async def overload(base: str, clients: int) -> dict:
    """Everyone at once, one request each: some are refused, the rest must finish."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        responses = await asyncio.gather(
            *(client.post("/v1/summarize", json=body(2 * 10**6 + n)) for n in range(clients))
        )
    statuses: dict[int, int] = {}
    for r in responses:
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
    retry_after = {r.headers.get("retry-after") for r in responses if r.status_code == 429}
    return {"statuses": statuses, "retry_after": retry_after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per level")
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients per level")
    parser.add_argument("--rounds", type=int, default=2, help="repeats, configs interleaved")
    parser.add_argument("--overload-clients", type=int, default=64)
    parser.add_argument(
        "--workers-only", action="store_true", help="only 1 vs 2 workers (skip batching on/off)"
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    common = {"cache_size": 0, "queue_max": 256, "request_timeout_s": 120}
    print(
        f"newsum load benchmark: {os.cpu_count()} CPUs, {args.duration:g} s per level, "
        f"{args.rounds} rounds with the two configurations interleaved (median req/s)"
    )
    if not args.workers_only:
        configs = {
            "batching on": {"batch_max_size": 8, "batch_max_wait_ms": 5},
            "batching off": {"batch_max_size": 1, "batch_max_wait_ms": 0},
        }
        results = compare(configs, common, levels, args)
        for clients in levels:
            on = results["batching on"][clients]["rps"]
            off = results["batching off"][clients]["rps"]
            ratio = on / off if off else float("nan")
            print(f"speedup at {clients:>2} clients: {ratio:.2f}x (on {on:.1f}, off {off:.1f})")
        overload_line(args.overload_clients, workers=1)
        on8 = results["batching on"].get(8, {}).get("rps")
        off8 = results["batching off"].get(8, {}).get("rps")
        speedup = on8 / off8 if on8 and off8 else float("nan")
        print(f"batching_speedup_at_8={speedup:.3f}")

    batching = {"batch_max_size": 8, "batch_max_wait_ms": 5}
    configs = {"1 worker": {"workers": 1, **batching}, "2 workers": {"workers": 2, **batching}}
    results = compare(configs, common, levels, args)
    for clients in levels:
        one, two = results["1 worker"][clients]["rps"], results["2 workers"][clients]["rps"]
        ratio = two / one if one else float("nan")
        print(f"2 workers at {clients:>2} clients: {ratio:.2f}x ({two:.1f} vs {one:.1f} req/s)")
    overload_line(args.overload_clients, workers=2)
    one8 = results["1 worker"].get(8, {}).get("rps")
    two8 = results["2 workers"].get(8, {}).get("rps")
    print(f"workers2_over_workers1_at_8={two8 / one8 if one8 and two8 else float('nan'):.3f}")


def compare(configs: dict, common: dict, levels: list[int], args) -> dict:
    """Two servers side by side, levels and rounds interleaved; a table and the merged runs."""
    runs: dict[str, dict[int, list[dict]]] = {name: {c: [] for c in levels} for name in configs}
    first, second = list(configs)
    with (
        Server(**common, **configs[first]) as a,
        Server(**common, **configs[second]) as b,
    ):
        servers = {first: a, second: b}
        for server in servers.values():
            asyncio.run(warm_up(server.base))
        for round_no in range(args.rounds):
            order = list(configs) if round_no % 2 == 0 else list(reversed(configs))
            for clients in levels:
                for name in order:
                    base = servers[name].base
                    articles, batches = batch_totals(base)
                    cpu, machine = servers[name].cpu_seconds(), machine_busy()
                    run = asyncio.run(drive(base, clients, args.duration))
                    cpu_after, machine_after = servers[name].cpu_seconds(), machine_busy()
                    articles_after, batches_after = batch_totals(base)
                    run["batches"] = (articles_after - articles, batches_after - batches)
                    busy = [cpu_after[p] - cpu[p] for p in sorted(cpu) if p in cpu_after]
                    run["busy"] = [b / run["elapsed"] for b in busy]  # cores, per process
                    run["rest"] = (machine_after - machine - sum(busy)) / run["elapsed"]
                    runs[name][clients].append(run)
    results = {name: {c: merge(rs) for c, rs in per.items()} for name, per in runs.items()}
    header = ("config", "clients", "req/s", "p50 ms", "p99 ms", "requests", "batch", "CPU", "rest")
    print("".join(f"{h:<14}" if i == 0 else f"{h:>9}" for i, h in enumerate(header)))
    for name in configs:
        for clients in levels:
            r = results[name][clients]
            bad = {k: v for k, v in r["statuses"].items() if k != 200}
            note = f"  non-200: {bad}" if bad else ""
            # each serving process's share of a core: is the load spread over the workers?
            cpu = "+".join(f"{b:.0%}" for b in r["busy"]) or "-"
            print(
                f"{name:<14}{clients:>9}{r['rps']:>9.1f}{r['p50']:>9.0f}{r['p99']:>9.0f}"
                f"{r['n']:>9}{r['batch']:>9.1f}{cpu:>9}{r['rest']:>9.0%}{note}"
            )
    return results


def overload_line(clients: int, workers: int) -> None:
    settings = {"cache_size": 0, "queue_max": 4, "batch_max_size": 4, "retry_after_s": 1}
    with Server(workers=workers, **settings) as server:
        asyncio.run(warm_up(server.base))
        o = asyncio.run(overload(server.base, clients))
    accepted, refused = o["statuses"].get(200, 0), o["statuses"].get(429, 0)
    others = {k: v for k, v in o["statuses"].items() if k not in (200, 429)}
    print(
        f"overload, {workers} worker(s): {clients} simultaneous requests, queue of 4 each -> "
        f"{accepted} x 200, {refused} x 429 (Retry-After {sorted(o['retry_after'])}), "
        f"other: {others or 'none'}"
    )


if __name__ == "__main__":
    main()
