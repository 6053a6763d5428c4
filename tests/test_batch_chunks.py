"""Guided chunks: full chunks while there is plenty left, smaller ones towards the end."""

from __future__ import annotations

from summarizer.batch.chunks import guided_chunks


def test_258_articles_on_2_workers_start_full_and_end_one_by_one():
    chunks = list(guided_chunks(list(range(258)), 16, 2))
    sizes = [len(c) for c in chunks]
    assert [x for c in chunks for x in c] == list(range(258))  # all, in order, once
    assert sizes[:12] == [16] * 12  # 258 - 12 * 16 = 66 left: still a full chunk's worth
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-3:] == [1, 1, 1]
    # the last chunks hold at most a quarter of what is left: two workers end together
    left = 258
    for size in sizes:
        assert size <= max(1, -(-left // 4))
        left -= size


def test_a_small_run_gives_every_worker_something_at_once():
    sizes = [len(c) for c in guided_chunks(list(range(8)), 16, 2)]
    assert sizes[:2] == [2, 2] and sum(sizes) == 8


def test_one_worker_or_nothing_to_do():
    assert [len(c) for c in guided_chunks(list(range(5)), 16, 1)] == [3, 1, 1]
    assert list(guided_chunks([], 16, 3)) == []


def test_the_shared_cutter_gives_takers_in_threads_every_item_once_and_smaller_when_asked():
    import threading

    from summarizer.batch.chunks import GuidedChunks

    cutter = GuidedChunks(list(range(5000)), 16, 2)
    taken: list[list[list[int]]] = [[], [], [], []]

    def taker(mine: list[list[int]], limit: int | None) -> None:
        while (chunk := cutter.take(limit)) is not None:
            mine.append(chunk)

    threads = [
        threading.Thread(target=taker, args=(t, 4 if i == 0 else None)) for i, t in enumerate(taken)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    chunks = sorted((c for t in taken for c in t), key=lambda c: c[0])
    assert [x for c in chunks for x in c] == list(range(5000))  # all, once, no overlap
    assert all(len(c) <= 4 for c in taken[0])  # the small taker never got more
    assert cutter.take() is None and cutter.left == 0
    shared = GuidedChunks(list(range(100)), 16, 2)
    assert shared.take(4) == [0, 1, 2, 3]  # a helper asking for small chunks
    assert shared.take() == list(range(4, 20))  # the next full chunk follows on
    assert shared.left == 80
