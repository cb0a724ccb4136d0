"""The Wii Balance Board protocol, byte for byte against the published layouts (docs/wii-protocol.md §1)."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.wii import protocol as p

# Carl Kenner's real-board dump (§1.5), CRC verified against the brute-forced 0x60/0x61 bytes.
REAL_BLOCK = bytes.fromhex("10690000" "07c33cf8048c296b" "0ed243840b3a3069" "15e94a1011ef376e" "5e40e9b6")
REAL_REF = bytes.fromhex("1a01")
# The 70 kg centred-load report of §1.5.
REPORT_70KG = bytes.fromhex("3400000f0743b50b6c309e1a009e000000000000000000")


# -- encoders -------------------------------------------------------------------------------------------


def test_output_reports_byte_for_byte() -> None:
    assert p.encode_leds(0x1) == bytes.fromhex("1110")
    assert p.encode_leds(0x0) == bytes.fromhex("1100")
    assert p.encode_reporting_mode(0x34) == bytes.fromhex("120034")  # the kernel's
    assert p.encode_reporting_mode(0x32, continuous=True) == bytes.fromhex("120432")  # the pybluez scripts'
    assert p.encode_status_request() == bytes.fromhex("1500")
    write = p.encode_write(0xA400F0, b"\x55")
    assert write == bytes.fromhex("1604a400f00155") + bytes(15)
    assert len(write) == 22
    assert p.encode_write(0xA400FB, b"\x00")[:7] == bytes.fromhex("1604a400fb0100")
    assert p.encode_read(0xA40024, 24) == bytes.fromhex("1704a400240018")
    assert p.encode_read(0xA400FA, 6) == bytes.fromhex("1704a400fa0006")
    assert p.encode_read(0x0010, 0x1234, register=False) == bytes.fromhex("17000000101234")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: p.encode_leds(16), "4-bit"),
        (lambda: p.encode_reporting_mode(0x20), "0x30-0x3F"),
        (lambda: p.encode_write(0xA400F0, b""), "1-16"),
        (lambda: p.encode_write(0xA400F0, bytes(17)), "1-16"),
        (lambda: p.encode_write(0x1000000, b"\x00"), "24 bits"),
        (lambda: p.encode_read(0xA40024, 0), "1-65535"),
    ],
)
def test_encoders_reject_bad_values(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_init_sequence_is_the_kernel_order() -> None:
    steps = p.init_sequence()
    assert [s.name for s in steps] == [
        "status", "led1", "ext-init-1", "ext-init-2", "ext-id", "calibration", "reference-temperature", "reporting-mode"
    ]
    assert steps[2].report[:7] == bytes.fromhex("1604a400f00155")
    assert steps[3].report[:7] == bytes.fromhex("1604a400fb0100")
    assert steps[4].report == bytes.fromhex("1704a400fa0006")
    assert steps[5].report == bytes.fromhex("1704a400200020")
    assert steps[6].report == bytes.fromhex("1704a400600002")
    assert steps[-1].report == bytes.fromhex("120034")
    assert [s.expect for s in steps] == ["status", "none", "ack", "ack", "read", "read", "read", "none"]
    assert "reference-temperature" not in [s.name for s in p.init_sequence(check_crc=False)]


# -- decoders -------------------------------------------------------------------------------------------


def test_status_report_from_a_real_board() -> None:
    # ESP32 trace, takeru/Wiimote #2: A1 20 00 00 02 00 00 D5 (hidraw framing drops the A1).
    status = p.decode(bytes.fromhex("20000002 0000d5".replace(" ", "")))
    assert status == p.Status(buttons=0, battery_low=False, extension_connected=True, leds=0, battery_raw=0xD5)
    assert p.status_battery_pct(0xD5) == 83  # kernel: VV*100/255
    low = p.decode(bytes.fromhex("20000811000010"))
    assert low.battery_low and not low.extension_connected and low.leds == 0x1 and low.button


def test_read_data_chunks_of_the_calibration_read() -> None:
    first = p.decode(bytes.fromhex("210000f00024") + REAL_BLOCK[4:20])
    second = p.decode(bytes.fromhex("210000700034") + REAL_BLOCK[20:28] + bytes(8))
    assert (first.size, first.error, first.address_low, first.data) == (16, 0, 0x0024, REAL_BLOCK[4:20])
    assert (second.size, second.error, second.address_low, second.data) == (8, 0, 0x0034, REAL_BLOCK[20:28])
    assert p.parse_calibration(first.data + second.data).kg0 == (0x07C3, 0x3CF8, 0x048C, 0x296B)
    failed = p.decode(bytes.fromhex("210000081000") + bytes(16))
    assert failed.error == 8 and not failed.ok


def test_ack_reports() -> None:
    ok = p.decode(bytes.fromhex("2200001600"))
    bad = p.decode(bytes.fromhex("2200001604"))
    assert ok == p.Ack(0, 0x16, 0) and ok.ok
    assert bad.report_id == 0x16 and bad.error == 4 and not bad.ok  # W10: valid report, failed write


def test_buttons_only_report_is_never_a_sample() -> None:
    report = p.decode(bytes.fromhex("300008"))
    assert isinstance(report, p.ButtonsOnly) and report.button


def test_the_70kg_report_vector() -> None:
    sample = p.decode(REPORT_70KG)
    assert isinstance(sample, p.BoardSample)
    assert sample.raw == (0x0F07, 0x43B5, 0x0B6C, 0x309E)
    assert (sample.temperature, sample.battery, sample.button) == (0x1A, 0x9E, False)
    cal = p.parse_calibration_block(REAL_BLOCK, REAL_REF)
    kg = p.raw_to_kg(np.array(sample.raw), cal)
    np.testing.assert_allclose(kg, 17.5, atol=0.01)  # 70 kg centred: 17.5 kg per sensor
    assert p.raw_to_kernel_10g(np.array(sample.raw), cal).tolist() == [1749, 1749, 1749, 1750]  # §1.5


def test_0x32_report_and_length_rules() -> None:
    short = REPORT_70KG[3:11]
    report32 = bytes.fromhex("320008") + short
    sample = p.decode(report32)
    assert sample.raw == (0x0F07, 0x43B5, 0x0B6C, 0x309E) and sample.temperature is None and sample.button
    # W1: hidapi on Windows pads every report to 22 bytes; the defined prefix is decoded.
    assert p.decode(report32 + bytes(11)) == sample
    with pytest.raises(p.MalformedReport, match="needs at least 11"):
        p.decode(report32[:10])
    with pytest.raises(p.MalformedReport, match="needs at least 22"):
        p.decode(REPORT_70KG[:21])
    with pytest.raises(p.MalformedReport, match="unknown input report"):
        p.decode(bytes.fromhex("3f0000") + bytes(19))
    with pytest.raises(p.MalformedReport, match="empty"):
        p.decode(b"")


def test_all_ff_extension_data_is_not_a_sample() -> None:
    # W2: an uninitialised extension reads all 0xFF and is discarded, as the kernel does.
    with pytest.raises(p.MalformedReport, match="all-0xFF"):
        p.decode(bytes.fromhex("320000") + b"\xff" * 8)
    with pytest.raises(p.MalformedReport, match="all-0xFF"):
        p.decode(bytes.fromhex("340000") + b"\xff" * 19)
    # The same four sensor words with a normal temperature byte in 0x34 are a (wild) sample.
    wild = p.decode(bytes.fromhex("340000") + b"\xff" * 8 + b"\x1a" + b"\xff" * 10)
    assert wild.raw == (0xFFFF,) * 4


# -- calibration ----------------------------------------------------------------------------------------


def test_real_calibration_vector_and_crc() -> None:
    cal = p.parse_calibration_block(REAL_BLOCK, REAL_REF)
    assert cal.kg0 == (0x07C3, 0x3CF8, 0x048C, 0x296B)
    assert cal.kg17 == (0x0ED2, 0x4384, 0x0B3A, 0x3069)
    assert cal.kg34 == (0x15E9, 0x4A10, 0x11EF, 0x376E)
    assert cal.crc_status == p.CrcStatus.OK
    assert cal.stored_crc == cal.computed_crc == 0x5E40E9B6
    assert cal.reference_temperature == 0x1A
    # Independent computation of the checksum straight from the formula of docs/wii-protocol.md §1.5.
    expected = zlib.crc32(REAL_REF, zlib.crc32(REAL_BLOCK[0:2], zlib.crc32(REAL_BLOCK[4:28])))
    assert p.calibration_crc(REAL_BLOCK, REAL_REF) == expected == 0x5E40E9B6
    assert cal.to_bytes() == REAL_BLOCK[4:28]


def test_crc_three_states() -> None:
    assert p.parse_calibration_block(REAL_BLOCK).crc_status == p.CrcStatus.UNAVAILABLE
    assert p.parse_calibration(REAL_BLOCK[4:28]).crc_status == p.CrcStatus.UNAVAILABLE
    dolphin_style = b"\x01" + REAL_BLOCK[1:]  # W6: Dolphin's 0x01 at 0x20 fails on the real board
    with pytest.warns(p.CalibrationWarning, match="CRC mismatch"):
        cal = p.parse_calibration_block(dolphin_style, REAL_REF)
    assert cal.crc_status == p.CrcStatus.MISMATCH
    assert cal.kg17 == (0x0ED2, 0x4384, 0x0B3A, 0x3069)  # not rejected


def test_calibration_length_is_checked() -> None:
    with pytest.raises(ValueError, match="24 bytes, got 23"):
        p.parse_calibration(REAL_BLOCK[4:27])
    with pytest.raises(ValueError, match="32 bytes"):
        p.parse_calibration_block(REAL_BLOCK[:31])


# -- conversion -----------------------------------------------------------------------------------------


def _scalar_kg(v: float, c0: float, c17: float, c34: float) -> float:
    """The formula of docs/wii-protocol.md §1.6 written out independently, one value at a time."""
    if v < c17:
        return 17.0 * (v - c0) / (c17 - c0)
    return 17.0 + 17.0 * (v - c17) / (c34 - c17)


def test_raw_to_kg_calibration_points_and_no_clamp() -> None:
    cal = p.parse_calibration_block(REAL_BLOCK, REAL_REF)
    pts = cal.points
    np.testing.assert_allclose(p.raw_to_kg(pts, cal), [[0] * 4, [17] * 4, [34] * 4], atol=1e-12)
    below = p.raw_to_kg(pts[0] - 100, cal)
    assert np.all(below < 0)  # negative survives: the tare removes offsets
    above = p.raw_to_kg(pts[2] + 1000, cal)
    assert np.all(above > 34)  # extrapolated, not clamped at 34 kg
    np.testing.assert_allclose(p.kg_to_newtons(np.array([1.0, 17.0])), [9.80665, 17 * 9.80665])


def test_raw_to_kg_matches_an_independent_scalar_formula() -> None:
    cal = p.parse_calibration_block(REAL_BLOCK, REAL_REF)
    raw = np.random.default_rng(3).integers(0, 0x10000, size=(500, 4))
    got = p.raw_to_kg(raw, cal)
    for i in range(raw.shape[0]):
        for j in range(4):
            want = _scalar_kg(raw[i, j], cal.kg0[j], cal.kg17[j], cal.kg34[j])
            assert got[i, j] == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_degenerate_calibration_warns_and_gives_nan() -> None:
    block = bytes.fromhex("2710" * 4 + "2710" + "2db4" * 3 + "3458" * 4)  # TR: c17 == c0
    with pytest.warns(p.CalibrationWarning, match="TR"):
        cal = p.parse_calibration(block)
    kg = p.raw_to_kg(np.array([11000, 11000, 11000, 11000]), cal)
    assert np.isnan(kg[0]) and np.all(np.isfinite(kg[1:]))
    with pytest.warns(p.CalibrationWarning):
        all_ff = p.parse_calibration(b"\xff" * 24)
    assert np.all(np.isnan(p.raw_to_kg(np.full(4, 0x8000), all_ff)))
    # The kernel divides by 1 instead (W7): it reports a number.
    assert p.raw_to_kernel_10g(np.full(4, 0x8000), all_ff).tolist() == [0, 0, 0, 0]


def test_kernel_10g_variant_clamps_and_truncates() -> None:
    cal = p.parse_calibration_block(REAL_BLOCK, REAL_REF)
    c0 = np.array(cal.kg0)
    assert p.raw_to_kernel_10g(c0 - 50, cal).tolist() == [0, 0, 0, 0]  # clamped at the 0 kg point
    assert p.raw_to_kernel_10g(c0, cal).tolist() == [0, 0, 0, 0]
    one = p.raw_to_kernel_10g(c0 + 1, cal)
    assert one.tolist() == [1700 // (cal.kg17[j] - cal.kg0[j]) for j in range(4)]  # truncation: 0
    kg = p.raw_to_kg(np.array(cal.kg17) + 900, cal)
    assert np.all(p.raw_to_kernel_10g(np.array(cal.kg17) + 900, cal) == np.floor(kg * 100))


def test_battery_helpers() -> None:
    assert [p.battery_bars(v) for v in (0x82, 0x81, 0x7D, 0x78, 0x6A, 0x69)] == [4, 3, 3, 2, 1, 0]
    assert p.status_battery_pct(255) == 100 and p.status_battery_pct(0) == 0
    with pytest.raises(ValueError, match="0-255"):
        p.battery_bars(256)


# -- vectorised decoder ---------------------------------------------------------------------------------


def _struct_decode(report: bytes) -> tuple[int, ...] | None:
    """A per-report struct decoder written independently of protocol.decode."""
    if len(report) < 11 or report[0] not in (0x32, 0x34) or (report[0] == 0x34 and len(report) < 22):
        return None
    need = 11 if report[0] == 0x32 else 22
    if report[3:need] == b"\xff" * (need - 3):
        return None
    return struct.unpack_from(">4H", report, 3)


def test_vectorised_decoder_on_known_reports() -> None:
    reports = [REPORT_70KG, bytes.fromhex("320008") + REPORT_70KG[3:11], bytes.fromhex("2200001600"),
               bytes.fromhex("340000") + b"\xff" * 19, REPORT_70KG[:15]]
    matrix, lengths = p.pack_reports(reports)
    dec = p.decode_sample_reports(matrix, lengths)
    assert dec.valid.tolist() == [True, True, False, False, False]
    assert dec.raw[0].tolist() == [0x0F07, 0x43B5, 0x0B6C, 0x309E] == dec.raw[1].tolist()
    assert dec.temperature.tolist() == [0x1A, -1, -1, -1, -1]
    assert dec.battery.tolist() == [0x9E, -1, -1, -1, -1]
    assert dec.button.tolist() == [False, True, False, False, False]
    with pytest.raises(ValueError, match="2-D uint8"):
        p.decode_sample_reports(np.zeros((3, 22), dtype=np.int16))


report_ids = st.sampled_from([0x20, 0x21, 0x22, 0x30, 0x32, 0x34, 0x3F, 0x00, 0xFF])


@st.composite
def reports(draw) -> bytes:
    rid = draw(report_ids)
    body = draw(st.one_of(st.binary(max_size=30), st.just(b"\xff" * 21), st.just(b"\xff" * 10)))
    return bytes((rid,)) + body


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=40), reports()))
def test_fuzz_decoder_never_crashes_nor_samples_a_malformed_report(data: bytes) -> None:
    try:
        report = p.decode(data)
    except p.MalformedReport:
        report = None
    expected = _struct_decode(data)
    if isinstance(report, p.BoardSample):
        assert expected is not None and report.raw == expected
    else:
        assert expected is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=30), reports()), min_size=1, max_size=40))
def test_fuzz_vectorised_decoder_equals_the_scalar_decoder(batch: list[bytes]) -> None:
    matrix, lengths = p.pack_reports(batch)
    dec = p.decode_sample_reports(matrix, lengths)
    for i, data in enumerate(batch):
        try:
            one = p.decode(data)
        except p.MalformedReport:
            one = None
        is_sample = isinstance(one, p.BoardSample)
        assert dec.valid[i] == is_sample
        if is_sample:
            assert tuple(dec.raw[i].tolist()) == one.raw
            assert dec.button[i] == one.button
            assert dec.temperature[i] == (-1 if one.temperature is None else one.temperature)
            assert dec.battery[i] == (-1 if one.battery is None else one.battery)


def test_wii_fit_temperature_correction() -> None:
    kg = np.array([[10.0, 20.0, 0.0, -1.0], [10.0, 20.0, 0.0, -1.0]])
    out = p.wii_fit_temperature_correction(kg, np.array([0x1A, 0x1A + 14]), 0x1A)
    np.testing.assert_allclose(out[0], kg[0] * 0.9990813732)
    np.testing.assert_allclose(out[1], kg[1] * 0.9990813732 * (1 - 0.0098))  # −0.98 % per 14 units
    with pytest.raises(ValueError, match="one temperature per sample"):
        p.wii_fit_temperature_correction(kg, np.array([1]), 0x1A)
