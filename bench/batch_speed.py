"""Articles per second of `newsum batch` over ../shared/eval/dev.jsonl: 1 worker, 2 workers,
and the Ray engine (2 actors writing shards to a directory), side by side with the ratios.

    .venv/bin/python bench/batch_speed.py [--limit N] [--no-ray]

Times are end to end, as a user sees them: model loading, worker or Ray start-up included
(each engine starts cold: the Ray run starts its own local Ray and stops it, with the
helper that briefs the first chunks while Ray starts, as `newsum batch` does). A second Ray
run connects to a Ray that is already up (as on a cluster, ``--ray-address``), so its time
is actor start-up, model load and the work. The last lines are
``workers2_over_workers1=<float>`` and ``ray_over_local1=<float>`` (cold Ray, 2 actors,
vs the local engine with 1 worker).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def _subset(limit: int | None, folder: Path) -> Path:
    """The first ``limit`` rows of dev.jsonl, as a JSONL input for the batch command."""
    rows = [row for row in DEV.read_text(encoding="utf-8").split("\n") if row.strip()][:limit]
    path = folder / "dev.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _run(inputs: Path, folder: Path, name: str, **options) -> tuple[int, float]:
    from summarizer.batch import BatchJob, run_batch, shard_job

    if options.get("engine") == "ray":
        job = shard_job(f"{folder / name}/", inputs=[str(inputs)], **options)
    else:
        job = BatchJob(inputs=[str(inputs)], out=folder / f"{name}.jsonl", **options)
    started = time.perf_counter()
    counts = run_batch(job, stream=io.StringIO())
    seconds = time.perf_counter() - started
    if counts.failed:
        print(f"# {name}: {counts.failed} failed", file=sys.stderr)
    return counts.done, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    args = parser.parse_args()
    if not DEV.exists():
        sys.exit(f"{DEV} is not here")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = _subset(args.limit, folder)
        runs = {
            "local, 1 worker": _run(inputs, folder, "w1", workers=1),
            "local, 2 workers": _run(inputs, folder, "w2", workers=2),
        }
        if not args.no_ray:
            try:
                runs["ray, 2 actors"] = _run(inputs, folder, "ray", workers=2, engine="ray")
                runs["ray up, 2 actors"] = _warm_ray(inputs, folder)
            except Exception as exc:  # Ray missing or unable to start: say so, keep the rest
                print(f"# ray: {exc}", file=sys.stderr)
        outputs = [folder / f"{n}.jsonl" for n in ("w1", "w2")]
        ids = [
            sorted(json.loads(line)["id"] for line in p.read_bytes().split(b"\n") if line)
            for p in outputs
        ]
        for name in ("ray", "ray_up"):
            if (folder / name).is_dir():
                from summarizer.batch.shards import ShardDir

                lines = ShardDir(str(folder / name)).merged_lines()
                ids.append(sorted(json.loads(line)["id"] for line in lines))
        assert all(i == ids[0] for i in ids), "engines briefed different articles"

    base = runs["local, 1 worker"][0] / runs["local, 1 worker"][1]
    print(f"{'engine':<18} {'articles':>8} {'seconds':>8} {'articles/s':>10} {'vs 1 worker':>11}")
    for name, (done, seconds) in runs.items():
        rate = done / seconds
        print(f"{name:<18} {done:>8} {seconds:>8.1f} {rate:>10.2f} {rate / base:>10.2f}x")
    two = runs["local, 2 workers"]
    print(f"workers2_over_workers1={two[0] / two[1] / base:.3f}")
    if "ray, 2 actors" in runs:
        ray = runs["ray, 2 actors"]
        print(f"ray_over_local1={ray[0] / ray[1] / base:.3f}")


def _warm_ray(inputs: Path, folder: Path) -> tuple[int, float]:
    """The Ray engine on a Ray started beforehand (not timed), as on a cluster."""
    import ray

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        return _run(inputs, folder, "ray_up", workers=2, engine="ray")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
