"""Run once in the forkserver, so that every worker forks with spaCy, torch and the spaCy
pipeline already in memory (shared copy-on-write) instead of importing and loading them
again: worker start-up drops from seconds to milliseconds.

Thread limits are set first, before torch is imported, and the forked workers inherit them.
"""

from summarizer.batch.worker import limit_threads

limit_threads()

from summarizer import analyse  # noqa: E402
from summarizer.errors import NewsumError  # noqa: E402

try:
    import summarizer.pipeline  # noqa: E402, F401

    analyse.get_nlp()
except NewsumError:  # the worker will raise it again, with its message
    pass
