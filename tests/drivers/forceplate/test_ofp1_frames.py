"""OFP-1 frames: the golden frame of docs/ofp-1.md and the strict decoder."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from drivers.forceplate.protocol import (
    MAX_PAYLOAD,
    Frame,
    FrameType,
    decode_frame,
    decode_frame_reference,
    encode_frame,
)

GOLDEN_HEX = (
    "a5 5a 01 01 20 00 00 00 07 00 00 00 46 00 00 00 40 42 0f 00 00 00 00 00 02 04 00 00 a0 86 01 00 c0 f2 fc ff "
    "e0 93 04 00 80 e5 f9 ff aa 86 01 00 ca f2 fc ff ea 93 04 00 8a e5 f9 ff 8b 7e c9 fa"
)
GOLDEN = bytes.fromhex(GOLDEN_HEX)
GOLDEN_SAMPLES = np.array([[100000, -200000, 300000, -400000], [100010, -199990, 300010, -399990]])


def test_golden_frame_is_encoded_byte_for_byte() -> None:
    frame = encode_frame(GOLDEN_SAMPLES, counter=7, first_index=70, t0_us=1_000_000)
    assert frame == GOLDEN
    assert len(frame) == 64
    assert int.from_bytes(frame[-4:], "little") == 0xFAC97E8B == zlib.crc32(frame[:-4])


def test_golden_frame_decodes_to_its_fields() -> None:
    frame = decode_frame(GOLDEN)
    assert frame.frame_type == FrameType.SAMPLES
    assert (frame.counter, frame.first_index, frame.t0_us, frame.flags) == (7, 70, 1_000_000, 0)
    assert frame.samples.dtype == np.int32
    np.testing.assert_array_equal(frame.samples, GOLDEN_SAMPLES)


def test_golden_frame_magic_is_the_byte_sequence_a5_5a() -> None:
    assert GOLDEN[:2] == b"\xa5\x5a"  # O1: not the LE packing of 0xA55A


def test_every_single_bit_flip_of_the_golden_frame_is_rejected() -> None:
    for bit in range(len(GOLDEN) * 8):
        bad = bytearray(GOLDEN)
        bad[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(ValueError):
            decode_frame(bytes(bad))


def test_reference_decoder_agrees_with_the_strict_one() -> None:
    frame, end = decode_frame_reference(b"xx" + GOLDEN, 2)
    assert end == 66 and frame == decode_frame(GOLDEN)
    assert decode_frame_reference(GOLDEN[:40], 0) == (None, 0)  # needs more data
    assert decode_frame_reference(b"\x00" + GOLDEN, 0) == (None, 1)  # not a frame here


@pytest.mark.parametrize(
    ("offset", "value", "message"),
    [(2, 2, "version"), (3, 0x07, "frame type"), (4, 0x24, "payload length"), (0, 0x00, "A5 5A")],
)
def test_header_errors_name_the_problem(offset: int, value: int, message: str) -> None:
    bad = bytearray(GOLDEN)
    bad[offset] = value
    with pytest.raises(ValueError, match=message):
        decode_frame(bytes(bad))


def test_truncated_and_padded_frames_are_rejected() -> None:
    with pytest.raises(ValueError, match="at least"):
        decode_frame(GOLDEN[:20])
    with pytest.raises(ValueError, match="header says 64 bytes"):
        decode_frame(GOLDEN + b"\x00")


def test_u64_time_above_2_63_and_u32_wrap_round_trip() -> None:
    t0 = (1 << 64) - 1  # O14: unsigned
    frame = decode_frame(encode_frame(np.zeros((1, 2)), counter=(1 << 32) - 1, first_index=(1 << 32) - 1, t0_us=t0))
    assert frame.t0_us == t0 and frame.counter == frame.first_index == (1 << 32) - 1


def test_int32_extremes_and_24_bit_overrange_are_kept() -> None:
    samples = np.array([[-(1 << 31), (1 << 31) - 1, 1 << 23, -(1 << 23) - 1]])  # O12: any int32 is accepted
    np.testing.assert_array_equal(decode_frame(encode_frame(samples, counter=0)).samples, samples)


def test_empty_sample_frame_and_status_frame() -> None:
    empty = decode_frame(encode_frame(np.zeros((0, 4)), counter=3))  # O13
    assert empty.n_samples == 0
    status = decode_frame(encode_frame(counter=9, frame_type=FrameType.STATUS, payload=b"hello"))
    assert status.frame_type == FrameType.STATUS and status.payload == b"hello" and status.counter == 9


def test_payload_limit_4096_is_legal_and_4100_is_not() -> None:
    ok = encode_frame(np.zeros((128, 8)), counter=0)  # 128 x 8 x 4 = 4096 bytes
    assert decode_frame(ok).samples.shape == (128, 8)
    with pytest.raises(ValueError, match="4096"):
        encode_frame(counter=0, frame_type=FrameType.EVENT, payload=bytes(MAX_PAYLOAD + 1))


def test_encoder_rejects_values_outside_int32() -> None:
    with pytest.raises(ValueError, match="int32"):
        encode_frame(np.array([[1 << 31]]), counter=0)


def test_frames_compare_by_content() -> None:
    a = decode_frame(GOLDEN)
    b = Frame(FrameType.SAMPLES, 0, 7, 70, 1_000_000, GOLDEN_SAMPLES.astype(np.int32))
    assert a == b
