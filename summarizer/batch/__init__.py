"""Batch runs over many articles: parallel, resumable, lossless (``newsum batch``).

inputs   find the articles and give each a stable id
output   append lines atomically; repair and scan an output to resume it
worker   brief one chunk (what every engine runs)
local    a process pool on this machine
preload  what the pool's forkserver loads once for all its workers
ray_engine  the same on Ray actors (optional extra)
chunks   how a run is cut into chunks for a pool of workers
shards   Ray workers' own output files and the manifest that resumes them
progress    a bar on a terminal, log lines elsewhere
run      one run from start to finish
"""

from summarizer.batch.run import BadArguments, BatchJob, run_batch, shard_job

__all__ = ["BadArguments", "BatchJob", "run_batch", "shard_job"]
