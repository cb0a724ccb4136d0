"""The OFP-1 stream parser: fuzzed with hypothesis (splits, garbage, bit flips, drops, duplicates).

Properties (issue 4, "Done when"): it never crashes, never yields a false frame, and counts every
lost frame and sample exactly.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.forceplate.protocol import FrameFlags, FrameType, StreamParser, encode_frame

_U32 = 1 << 32


def _feed_all(parser: StreamParser, stream: bytes, cuts: list[int]):
    chunks = []
    pos = 0
    for cut in [*sorted(set(cuts)), len(stream)]:
        if cut > pos:
            chunks.append(parser.feed(stream[pos:cut]))
            pos = cut
    chunks.append(parser.flush())
    return chunks


@st.composite
def scenarios(draw):
    k = draw(st.sampled_from([1, 4, 6, 8]))
    n_frames = draw(st.integers(1, 40))
    start_index = draw(st.one_of(st.integers(0, 1000), st.integers(_U32 - 200, _U32 - 1)))
    start_counter = draw(st.one_of(st.integers(0, 1000), st.integers(_U32 - 20, _U32 - 1)))
    kinds = draw(st.lists(st.sampled_from(["samples"] * 4 + ["status"]), min_size=n_frames, max_size=n_frames))
    fates = draw(st.lists(st.sampled_from(["ok", "ok", "ok", "drop", "flip", "dup"]), min_size=n_frames,
                          max_size=n_frames))
    fates = [("ok" if f == "dup" and kind == "status" else f) for f, kind in zip(fates, kinds, strict=True)]
    sizes = draw(st.lists(st.integers(1, 12), min_size=n_frames, max_size=n_frames))
    garbage = draw(st.lists(st.binary(max_size=40), min_size=n_frames + 1, max_size=n_frames + 1))
    seed = draw(st.integers(0, 2**32 - 1))
    return k, start_index, start_counter, kinds, fates, sizes, garbage, seed


def _runs(lost: list[int], order: list[int]) -> int:
    """Maximal runs of lost positions, consecutive in ``order``."""
    where = {p: i for i, p in enumerate(order)}
    return sum(1 for p in lost if where[p] - 1 < 0 or order[where[p] - 1] not in lost)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.lists(st.integers(0, 4000), max_size=30))
def test_parser_recovers_every_intact_frame_and_counts_every_loss(scenario, cuts) -> None:
    k, start_index, start_counter, kinds, fates, sizes, garbage, seed = scenario
    rng = np.random.default_rng(seed)
    stream = bytearray(garbage[0])
    expected_raw, expected_seq, expected_status = [], [], []
    index = start_index  # unwrapped (u64) index of the next sample frame's first sample
    kept = []  # positions of frames that arrive intact (any type)
    for i, (kind, fate, n) in enumerate(zip(kinds, fates, sizes, strict=True)):
        if kind == "samples":
            samples = rng.integers(-(1 << 23), 1 << 23, size=(n, k))
            frame = encode_frame(samples, counter=start_counter + i, first_index=index, t0_us=index * 1000)
        else:
            payload = rng.integers(0, 256, size=n).astype(np.uint8).tobytes()
            frame = encode_frame(counter=start_counter + i, frame_type=FrameType.STATUS, payload=payload)
        if fate == "flip":
            bad = bytearray(frame)
            bit = int(rng.integers(0, len(bad) * 8))
            bad[bit // 8] ^= 1 << (bit % 8)
            stream += bad
        elif fate != "drop":
            stream += frame + (frame if fate == "dup" else b"")
            kept.append(i)
            if kind == "samples":
                expected_raw.append(samples)
                expected_seq.append(index + np.arange(n))
            else:
                expected_status.append(payload)
        stream += garbage[i + 1]
        if kind == "samples":
            index += n
    parser = StreamParser()
    chunks = _feed_all(parser, bytes(stream), cuts)
    seq = np.concatenate([c.seq for c in chunks])
    st_ = parser.stats
    # Status frames: exactly the intact ones, in order (never a false one).
    assert [f.payload for c in chunks for f in c.other_frames] == expected_status
    sample_frames = [i for i in range(len(kinds)) if kinds[i] == "samples"]
    kept_samples = [i for i in kept if kinds[i] == "samples"]
    if kept:
        lost_any = [i for i in range(kept[0], kept[-1] + 1) if fates[i] in ("drop", "flip")]
        assert st_.lost_frames == len(lost_any)  # by the frame counter, every type
    if not kept_samples:
        assert seq.size == 0 and st_.samples == 0
        return
    # Never a false frame, never a lost intact frame: exactly the intact frames' samples, in order.
    raw = np.concatenate([c.raw for c in chunks if c.n_samples])
    np.testing.assert_array_equal(raw, np.concatenate(expected_raw))
    # The parser numbers samples from the first u32 index it sees, unwrapped from there on.
    expected = np.concatenate(expected_seq)
    expected -= expected[0] - expected[0] % _U32
    np.testing.assert_array_equal(seq, expected.astype(np.uint64))
    first, last = kept_samples[0], kept_samples[-1]
    lost = [i for i in sample_frames if first <= i <= last and fates[i] in ("drop", "flip")]
    assert st_.lost_samples == sum(sizes[i] for i in lost)
    assert st_.gaps == _runs(lost, sample_frames)
    assert st_.duplicates == sum(1 for i in kept_samples if fates[i] == "dup")
    assert st_.backward_steps == 0
    assert st_.samples == sum(sizes[i] for i in kept_samples)
    assert parser.buffered == 0


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(0, 3000), max_size=20))
def test_parser_never_crashes_on_noise_and_finds_nothing_in_it(noise, cuts) -> None:
    parser = StreamParser(n_channels=4)
    chunks = _feed_all(parser, noise, cuts)
    assert sum(c.n_samples for c in chunks) == 0
    assert parser.stats.frames == 0


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=100), st.binary(max_size=100), st.integers(0, 100))
def test_noise_with_magic_bytes_before_a_frame_does_not_hide_it(before, after, split) -> None:
    noise = before + b"\xa5\x5a" + after
    frame = encode_frame(np.arange(8).reshape(2, 4), counter=1, first_index=10)
    parser = StreamParser()
    chunks = _feed_all(parser, noise + frame, [split])
    np.testing.assert_array_equal(np.concatenate([c.raw for c in chunks if c.n_samples]), np.arange(8).reshape(2, 4))


def _frames(n: int, k: int = 4, ns: int = 10, first: int = 0, counter: int = 0) -> list[bytes]:
    return [
        encode_frame(np.full((ns, k), i), counter=counter + i, first_index=first + i * ns, t0_us=(first + i * ns) * 500)
        for i in range(n)
    ]


def test_per_sample_device_time_is_t0_plus_k_periods() -> None:
    parser = StreamParser(rate_hz=2000.0)
    chunk = parser.feed(b"".join(_frames(3, first=100)))
    np.testing.assert_allclose(chunk.t_us, (100 + np.arange(30)) * 500.0)
    assert chunk.seq[0] == 100 and chunk.seq[-1] == 129


def test_u32_sample_index_wrap_is_unwrapped_to_u64() -> None:
    parser = StreamParser()
    chunk = parser.feed(b"".join(_frames(4, first=_U32 - 20, counter=_U32 - 2)))
    np.testing.assert_array_equal(chunk.seq, np.arange(_U32 - 20, _U32 + 20, dtype=np.uint64))
    assert parser.stats.lost_samples == 0 and parser.stats.lost_frames == 0


def test_backward_step_starts_a_new_segment_without_counting_a_loss() -> None:
    parser = StreamParser()
    before = parser.feed(b"".join(_frames(3, first=5000, counter=50)))
    after = parser.feed(b"".join(_frames(2, first=0, counter=0)))  # the plate rebooted
    assert parser.stats.backward_steps == 1 and parser.stats.lost_samples == 0
    assert after.seq[0] == before.seq[-1] + 1  # the host numbering continues
    assert set(after.segment.tolist()) == {1}
    assert [e.kind for e in after.events] == ["backward"]


def test_oversize_length_is_rejected_at_once_without_waiting() -> None:
    fake = bytearray(encode_frame(counter=0, frame_type=FrameType.STATUS, payload=b""))
    fake[4:6] = (5000).to_bytes(2, "little")  # L > 4096: not a candidate (O15)
    good = _frames(1)[0]
    chunk = StreamParser().feed(bytes(fake[:28]) + good)
    assert chunk.n_samples == 10


def test_plausible_false_header_waits_live_and_is_rescanned_at_end_of_stream() -> None:
    fake = bytearray(28)
    fake[0:6] = b"\xa5\x5a\x01\x02" + (4000).to_bytes(2, "little")  # a status header claiming 4000 bytes
    good = b"".join(_frames(2))
    parser = StreamParser()
    assert parser.feed(bytes(fake) + good).n_samples == 0  # could still be a real 4000-byte frame
    assert parser.flush().n_samples == 20  # end of stream: rescan past it (O15)


def test_status_frames_are_returned_and_counted_but_do_not_break_continuity() -> None:
    frames = _frames(3)
    status = encode_frame(counter=3, frame_type=FrameType.STATUS, payload=b"\x01\x02")
    tail = encode_frame(np.full((10, 4), 3), counter=4, first_index=30)
    parser = StreamParser()
    chunk = parser.feed(b"".join(frames) + status + tail)
    assert [f.payload for f in chunk.other_frames] == [b"\x01\x02"]
    assert chunk.n_samples == 40 and parser.stats.lost_frames == 0 and parser.stats.lost_samples == 0


def test_lost_status_frame_shows_as_a_frame_gap_only() -> None:
    frames = _frames(3)
    tail = encode_frame(np.full((10, 4), 3), counter=4, first_index=30)  # counter 3 (a status frame) lost
    parser = StreamParser()
    parser.feed(b"".join(frames) + tail)
    assert parser.stats.lost_frames == 1 and parser.stats.lost_samples == 0


def test_overrun_flag_is_reported_as_an_event() -> None:
    a = encode_frame(np.zeros((10, 4)), counter=0, first_index=0)
    b = encode_frame(np.zeros((10, 4)), counter=1, first_index=20, flags=FrameFlags.OVERRUN)
    parser = StreamParser()
    chunk = parser.feed(a + b)
    kinds = [e.kind for e in chunk.events]
    assert "gap" in kinds and "overrun" in kinds and parser.stats.overruns == 1 and parser.stats.lost_samples == 10


def test_channel_count_changes_are_dropped_and_counted() -> None:
    parser = StreamParser(n_channels=4)
    chunk = parser.feed(encode_frame(np.zeros((10, 3)), counter=0) + _frames(1, counter=1, first=10)[0])
    assert parser.stats.channel_mismatches == 1 and chunk.raw.shape == (10, 4)


def test_parser_rejects_bad_settings() -> None:
    import pytest

    with pytest.raises(ValueError, match="n_channels"):
        StreamParser(n_channels=0)
    with pytest.raises(ValueError, match="rate_hz"):
        StreamParser(rate_hz=-1)
    with pytest.raises(ValueError, match="skipped_samples"):
        StreamParser().reset(-1)


def test_a_frame_carried_inside_an_event_payload_is_not_taken_for_a_frame() -> None:
    inner = encode_frame(np.full((10, 4), 7), counter=99, first_index=500)
    outer = encode_frame(counter=1, frame_type=FrameType.EVENT, payload=inner)
    before = _frames(1)[0]
    after = encode_frame(np.full((10, 4), 2), counter=2, first_index=10)
    stream = before + outer + after
    for split in (0, 5, 40, len(before) + 30, len(before) + len(outer) - 3):
        parser = StreamParser()
        chunks = [parser.feed(stream[:split]), parser.feed(stream[split:]), parser.flush()]
        raw = np.concatenate([c.raw for c in chunks if c.n_samples])
        np.testing.assert_array_equal(raw, np.concatenate([np.zeros((10, 4)), np.full((10, 4), 2)]))
        assert [f.payload for c in chunks for f in c.other_frames] == [inner]
        assert parser.stats.lost_frames == 0 and parser.stats.lost_samples == 0
