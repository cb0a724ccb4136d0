import threading

import numpy as np
import pytest

from drivers.model import SampleBlock
from station.engine.ring_buffer import RingBuffer


def block(start, n, k=2):
    seq = np.arange(start, start + n)
    return SampleBlock(t_s=seq / 100.0, seq=seq, forces_n=np.column_stack([seq] * k).astype(float), host_rx_s=0.0)


def test_latest_peeks_the_newest_without_consuming():
    ring = RingBuffer(10, 2)
    ring.write(block(0, 4))
    ring.write(block(4, 3))
    s = ring.latest(5)
    assert s.seq.tolist() == [2, 3, 4, 5, 6]
    assert ring.latest(100).seq.tolist() == list(range(7))
    assert ring.drain().seq.tolist() == list(range(7))  # peeking consumed nothing


def test_wraparound_keeps_the_newest_and_counts_overruns():
    ring = RingBuffer(5, 2)
    ring.write(block(0, 3))
    assert ring.drain(2).seq.tolist() == [0, 1]
    ring.write(block(3, 6))  # 7 unread now, 5 fit: samples 2, 3 are overwritten unread
    assert ring.overruns == 2
    assert ring.latest(5).seq.tolist() == [4, 5, 6, 7, 8]
    assert ring.drain().seq.tolist() == [4, 5, 6, 7, 8]
    assert ring.drain().n_samples == 0
    assert ring.total_written == 9 and len(ring) == 5


def test_a_block_larger_than_the_ring_keeps_its_tail():
    ring = RingBuffer(4, 1)
    ring.write(block(0, 10, k=1))
    assert ring.latest(4).seq.tolist() == [6, 7, 8, 9]
    assert ring.overruns == 6


def test_returned_samples_are_copies():
    ring = RingBuffer(4, 2)
    ring.write(block(0, 2))
    s = ring.latest(2)
    ring.write(block(2, 4))
    assert s.seq.tolist() == [0, 1]


def test_threaded_producer_and_draining_consumer_lose_nothing():
    ring = RingBuffer(10_000, 3)
    got = []
    done = threading.Event()

    def produce():
        for i in range(2000):
            ring.write(block(i * 5, 5, k=3))
        done.set()

    def consume():
        while not done.is_set() or len(got) == 0 or got[-1][-1] != 9999:
            s = ring.drain(64)
            if s.n_samples:
                got.append(s.seq)
                assert np.all(s.forces_n[:, 0] == s.seq)  # rows never torn

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert np.concatenate(got).tolist() == list(range(10_000))
    assert ring.overruns == 0


def test_bad_sizes():
    with pytest.raises(ValueError, match="must be >= 1"):
        RingBuffer(0, 2)
