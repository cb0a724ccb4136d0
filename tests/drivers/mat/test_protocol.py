"""The DO-P4864 frame format against hand-built frames, and the stream parser against hostile bytes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.mat.protocol import (
    DO_P4864,
    ArrivalTimer,
    ChecksumPolicy,
    FrameFormat,
    FrameParser,
    decode_frame,
    encode_frame,
    lost_frames_by_timing,
    payload_checksum,
)


def hand_built_frame(cells: np.ndarray) -> bytes:
    """Build a frame byte by byte from the documented layout, independently of encode_frame."""
    out = bytearray([0xFF, 0xAA, 0x0C, 0x07, 0x01])
    total = 0
    for c in range(64):  # column-major: 48 bytes per column, top to bottom
        for r in range(48):
            out.append(int(cells[r, c]))
            total += int(cells[r, c])
    out.append((256 - total % 256) % 256)
    out.append(0xFA)
    return bytes(out)


def test_geometry_and_length_field_of_the_do_p4864():
    assert DO_P4864.frame_length == 3079 == 0x0C07
    assert DO_P4864.signature == bytes.fromhex("FF AA 0C 07 01")
    assert (DO_P4864.rows, DO_P4864.cols) == (48, 64)
    assert DO_P4864.rows * DO_P4864.pitch_mm == pytest.approx(383.5, abs=0.1)


def test_hand_built_frame_decodes_column_major_with_corners_in_place():
    cells = np.zeros((48, 64), np.uint8)
    cells[0, 0], cells[0, 63], cells[47, 0], cells[47, 63] = 11, 22, 33, 44
    cells[5, 7] = 250  # 0xFA inside the payload must not confuse the parser
    frame = hand_built_frame(cells)
    assert len(frame) == 3079
    assert frame[5] == 11 and frame[5 + 47] == 33 and frame[5 + 63 * 48] == 22 and frame[5 + 64 * 48 - 1] == 44
    assert encode_frame(cells) == frame
    np.testing.assert_array_equal(decode_frame(frame), cells)
    frames = FrameParser().feed(frame)
    assert len(frames) == 1 and frames[0].checksum_ok
    np.testing.assert_array_equal(frames[0].cells, cells)


def test_checksum_is_twos_complement_of_the_payload_sum():
    assert payload_checksum(bytes([1, 2, 3])) == 0xFA
    assert payload_checksum(bytes(10)) == 0
    assert (payload_checksum(bytes([200, 100])) + 300) % 256 == 0


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [(0, 0xFE, "frame start"), (3, 0x08, "frame start"), (4, 0x02, "frame start"), (3078, 0xFB, "tail"),
     (3077, None, "checksum")],
)
def test_decode_rejects_each_damaged_field(index, value, message):
    frame = bytearray(encode_frame(np.full((48, 64), 7, np.uint8)))
    frame[index] = (frame[index] + 1) % 256 if value is None else value
    with pytest.raises(ValueError, match=message):
        decode_frame(bytes(frame))
    if message == "checksum":  # a real mat's checksum is only observed
        decode_frame(bytes(frame), checksum=ChecksumPolicy.OBSERVE)


def test_decode_rejects_wrong_length_and_encode_rejects_bad_cells():
    with pytest.raises(ValueError, match="3079 bytes"):
        decode_frame(b"\xff\xaa")
    with pytest.raises(ValueError, match="48 x 64"):
        encode_frame(np.zeros((64, 48), np.uint8))
    with pytest.raises(ValueError, match="0-255"):
        encode_frame(np.full((48, 64), 256))


def test_parser_accepts_any_chunking_and_counts_checksum_mismatches_when_observing():
    rng = np.random.default_rng(1)
    sent = [rng.integers(0, 256, (48, 64), dtype=np.uint8) for _ in range(5)]
    stream = bytearray(b"".join(encode_frame(c) for c in sent))
    stream[2 * 3079 + 100] ^= 0x01  # corrupt a payload byte of frame 2
    for policy, expected in ((ChecksumPolicy.REQUIRE, [0, 1, 3, 4]), (ChecksumPolicy.OBSERVE, [0, 1, 2, 3, 4])):
        parser = FrameParser(checksum=policy)
        got = []
        pos = 0
        while pos < len(stream):
            n = int(rng.integers(1, 5000))
            got += parser.feed(stream[pos : pos + n])
            pos += n
        assert len(got) == len(expected)
        for frame, i in zip(got, expected, strict=True):
            if i != 2:
                np.testing.assert_array_equal(frame.cells, sent[i])
        assert parser.stats.checksum_mismatches == 1
        assert [f.checksum_ok for f in got].count(False) == (1 if policy == ChecksumPolicy.OBSERVE else 0)


def test_truncated_frame_followed_by_a_good_one_yields_only_the_good_one():
    a = encode_frame(np.full((48, 64), 0xFA, np.uint8))  # tail-like bytes everywhere in the payload
    b = encode_frame(np.full((48, 64), 3, np.uint8))
    parser = FrameParser()
    frames = parser.feed(a[:1500] + b)
    assert len(frames) == 1 and int(frames[0].cells[0, 0]) == 3
    assert parser.stats.truncated_frames == 1


def test_parser_buffer_stays_bounded_under_noise():
    parser = FrameParser()
    noise = np.random.default_rng(2).integers(0, 256, 200_000, dtype=np.uint8).tobytes()
    assert parser.feed(noise) == []
    assert parser.buffered_bytes <= 4 * 3079


def test_other_geometry_uses_its_own_length_field():
    small = FrameFormat(name="test-16x8", rows=16, cols=8, pitch_mm=10.0, nominal_rate_hz=50.0, baudrate=115200)
    assert small.frame_length == 135 and small.signature == bytes.fromhex("FF AA 00 87 01")
    cells = np.arange(128, dtype=np.uint8).reshape(16, 8)
    np.testing.assert_array_equal(FrameParser(small).feed(encode_frame(cells, small))[0].cells, cells)


# -- fuzzing ---------------------------------------------------------------------------------------

_SMALL = FrameFormat(name="fuzz-6x5", rows=6, cols=5, pitch_mm=10.0, nominal_rate_hz=50.0, baudrate=115200)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=20_000), st.integers(1, 4000))
def test_fuzzed_bytes_never_crash_and_every_frame_is_literally_in_the_input(data, chunk):
    for fmt in (DO_P4864, _SMALL):
        parser = FrameParser(fmt, checksum=ChecksumPolicy.OBSERVE)
        frames = []
        for i in range(0, len(data), chunk):
            frames += parser.feed(data[i : i + chunk])
        for f in frames:
            assert encode_frame(f.cells, fmt)[:-2] in data  # signature + payload occur verbatim


def _piece(kind: int, cells: np.ndarray, noise: bytes, cut: int) -> tuple[bytes, bool]:
    frame = encode_frame(cells, _SMALL)
    if kind == 0:
        return frame, True
    if kind == 1:
        return noise, False
    if kind == 2:
        return frame[: cut % len(frame)], False
    damaged = bytearray(frame)
    damaged[5 + cut % _SMALL.payload_length] ^= 1 << (cut % 8)
    return bytes(damaged), False


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.binary(min_size=30, max_size=30), st.binary(max_size=40), st.integers(0, 999)),
        min_size=1, max_size=25,
    ),
    st.integers(1, 300),
)
def test_fuzzed_streams_of_frames_noise_truncation_and_corruption_yield_only_intact_frames(pieces, chunk):
    """Every frame out equals a frame sent intact, in order; corrupted and truncated frames never come out."""
    stream = b""
    intact = []
    for kind, raw, noise, cut in pieces:
        cells = np.frombuffer(raw, np.uint8).reshape(6, 5)
        data, ok = _piece(kind, cells, noise, cut)
        stream += data
        if ok:
            intact.append(cells)
    parser = FrameParser(_SMALL, checksum=ChecksumPolicy.REQUIRE)
    got = []
    for i in range(0, len(stream), chunk):
        got += parser.feed(stream[i : i + chunk])
    # Every output frame is an intact frame, in sending order (a subsequence of the intact ones).
    it = iter(intact)
    for frame in got:
        assert any(np.array_equal(frame.cells, c) for c in it), "a frame came out that was never sent intact"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(min_size=30, max_size=30), min_size=1, max_size=20), st.binary(max_size=60))
def test_every_intact_frame_after_leading_noise_is_recovered(raws, noise):
    cells = [np.frombuffer(r, np.uint8).reshape(6, 5) for r in raws]
    stream = noise + b"".join(encode_frame(c, _SMALL) for c in cells)
    got = FrameParser(_SMALL).feed(stream)
    # Noise may hold a signature, but the candidate it starts contains the real frame's signature.
    assert len(got) == len(cells)
    for frame, c in zip(got, cells, strict=True):
        np.testing.assert_array_equal(frame.cells, c)


# -- lost frames by timing -------------------------------------------------------------------------


def test_lost_frames_by_timing():
    T = 1 / 20.7
    assert lost_frames_by_timing(T, 1, T) == 0
    assert lost_frames_by_timing(1.6 * T, 1, T) == 0  # late but within the jitter allowance
    assert lost_frames_by_timing(2.0 * T, 1, T) == 1
    assert lost_frames_by_timing(4.1 * T, 1, T) == 3
    assert lost_frames_by_timing(5.0 * T, 5, T) == 0  # a host stall: the frames arrive in one burst
    assert lost_frames_by_timing(6.0 * T, 4, T) == 2
    assert lost_frames_by_timing(0.0, 3, T) == 0
    with pytest.raises(ValueError, match="n_frames"):
        lost_frames_by_timing(T, 0, T)
    with pytest.raises(ValueError, match="backwards"):
        lost_frames_by_timing(-1.0, 1, T)


def _losses(arrivals_in_intervals, counts=None):
    T = 1 / 20.7
    timer = ArrivalTimer(T)
    counts = counts or [1] * len(arrivals_in_intervals)
    return [timer.update(a * T, m) for a, m in zip(arrivals_in_intervals, counts, strict=True)]


def test_arrival_timer_sees_a_loss_hidden_behind_a_late_frame():
    # Frame 3 arrives 0.27 late, frame 4 is lost, frame 5 arrives on time: one loss, at frame 5.
    assert _losses([0, 1, 2, 3.27, 5.01, 6.0]) == [0, 0, 0, 0, 1, 0]
    # The per-read rule alone would have missed it (5.01 - 3.27 = 1.74 intervals for one frame).
    assert lost_frames_by_timing(1.74 / 20.7, 1, 1 / 20.7) == 0


def test_arrival_timer_ignores_stalls_with_bursts_and_jitter():
    assert _losses([0, 1, 2, 7.1, 8, 9], [1, 1, 1, 5, 1, 1]) == [0] * 6  # a 5-frame stall, then a burst
    rng = np.random.default_rng(0)
    jittered = np.arange(2000) + rng.uniform(0, 0.6, 2000)  # latency jitter up to 0.6 interval
    assert sum(_losses(list(jittered))) == 0


@pytest.mark.parametrize("rate_error", [-0.02, 0.02])
def test_arrival_timer_does_not_accumulate_a_rate_error_into_losses(rate_error):
    arrivals = list(np.arange(3000) * (1 + rate_error))  # the mat runs 2 % slow or fast
    assert sum(_losses(arrivals)) == 0
    with_loss = [a for i, a in enumerate(arrivals) if i not in (500, 1500, 1501)]
    losses = _losses(with_loss)
    assert sum(losses) == 3 and losses[500] == 1 and losses[1499] == 2
