"""Transcript tests of the byte-exact simulated board (docs/wii-protocol.md §1.12)."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.sim.subject import StandingSubject
from drivers.wii import protocol as p
from drivers.wii.sim_sensors import NICE_CALIBRATION_BLOCK, REAL_CALIBRATION_BLOCK
from drivers.wii.simulator import NICE_REF_TEMP, SimulatedWiiBoard


def _exchange(board: SimulatedWiiBoard, report: bytes, t: float) -> list[bytes]:
    board.handle_output(report, t)
    return [r for _, r in board.reports_until(t + 0.002)]


def _init(board: SimulatedWiiBoard, t: float = 0.0) -> None:
    for i, write in enumerate((p.encode_write(0xA400F0, b"\x55"), p.encode_write(0xA400FB, b"\x00"))):
        acks = [r for r in _exchange(board, write, t + 0.01 * i) if r[0] == 0x22]
        assert acks == [bytes.fromhex("2200001600")]


def test_status_request_and_drm_reset() -> None:
    board = SimulatedWiiBoard()
    board.handle_output(p.encode_reporting_mode(0x34), 0.0)
    assert board.drm == 0x34
    assert [r for r in _exchange(board, p.encode_leds(0x1), 0.01) if r[0] != 0x34] == []  # LEDs: no ack asked
    assert board.leds == 0x1
    replies = [r for r in _exchange(board, p.encode_status_request(), 0.02) if r[0] == 0x20]
    assert replies == [bytes.fromhex("200000120000c6")]  # LF = LED1 | extension; VV = 0xC6
    assert board.drm == 0x30  # the board resets the DRM after a status report


def test_extension_reads_ff_until_initialised() -> None:
    board = SimulatedWiiBoard(StandingSubject(seed=1))
    id_reply = _exchange(board, p.encode_read(p.EXT_ID_ADDRESS, 6), 0.0)
    assert id_reply == [bytes.fromhex("210000" "50" "00fa") + b"\xff" * 6 + bytes(10)]
    board.handle_output(p.encode_reporting_mode(0x34), 0.01)
    data = [r for _, r in board.reports_until(0.2)]
    assert data and all(r[3:] == b"\xff" * 19 for r in data)
    for r in data:
        with pytest.raises(p.MalformedReport):
            p.decode(r)
    _init(board, 0.3)
    id_reply = _exchange(board, p.encode_read(p.EXT_ID_ADDRESS, 6), 0.4)
    assert [r for r in id_reply if r[0] == 0x21] == [
        bytes.fromhex("210000" "50" "00fa") + p.BALANCE_BOARD_EXTENSION_ID + bytes(10)
    ]


def test_calibration_read_is_chunked_like_the_real_board() -> None:
    board = SimulatedWiiBoard()
    replies = _exchange(board, p.encode_read(p.CAL_ADDRESS, 24), 0.0)
    assert replies == [
        bytes.fromhex("210000f00024") + REAL_CALIBRATION_BLOCK[4:20],
        bytes.fromhex("210000700034") + REAL_CALIBRATION_BLOCK[20:28] + bytes(8),
    ]
    block = b"".join(p.decode(r).data for r in _exchange(board, p.encode_read(0xA40020, 32), 0.1))
    ref = b"".join(p.decode(r).data for r in _exchange(board, p.encode_read(0xA40060, 2), 0.2))
    assert block == REAL_CALIBRATION_BLOCK and ref == bytes.fromhex("1a01")
    assert p.parse_calibration_block(block, ref).crc_status == p.CrcStatus.OK


def test_nice_calibration_has_a_correct_crc() -> None:
    cal = p.parse_calibration_block(NICE_CALIBRATION_BLOCK, NICE_REF_TEMP)
    assert cal.crc_status == p.CrcStatus.OK
    assert (cal.kg0, cal.kg17, cal.kg34) == ((10000,) * 4, (11700,) * 4, (13400,) * 4)
    assert NICE_CALIBRATION_BLOCK[0] == 0x01 and NICE_REF_TEMP[0] == 0x19


def test_errors_out_of_bounds_and_bad_writes() -> None:
    board = SimulatedWiiBoard()
    assert _exchange(board, p.encode_read(0xA400F8, 16), 0.0) == [bytes.fromhex("21000008" "00f8") + bytes(16)]
    assert _exchange(board, p.encode_read(0x1700, 1, register=False), 0.1)[0][3] & 0x0F == 8
    eeprom = _exchange(board, p.encode_read(0x0000, 4, register=False), 0.2)
    assert eeprom == [bytes.fromhex("210000300000") + bytes(16)]
    assert _exchange(board, p.encode_write(0xB00000, b"\x01"), 0.3) == [bytes.fromhex("2200001604")]
    bad_size = bytearray(p.encode_write(0xA400F0, b"\x55"))
    bad_size[5] = 17
    assert _exchange(board, bytes(bad_size), 0.4) == [bytes.fromhex("2200001604")]
    assert not board.ext_initialised


def test_transcript_records_the_exchange() -> None:
    board = SimulatedWiiBoard()
    _init(board)
    kinds = [(d, r[0]) for d, _, r in board.transcript]
    assert kinds == [("out", 0x16), ("in", 0x22), ("out", 0x16), ("in", 0x22)]
    assert board.ext_initialised


def test_data_reports_cadence_and_content() -> None:
    subject = StandingSubject(mass_kg=70.0, affected_share_pct=50.0, seed=2)
    board = SimulatedWiiBoard(subject, noise_counts=0.0, seed=5)
    _init(board)
    board.handle_output(p.encode_reporting_mode(0x34), 0.05)
    items = board.reports_until(20.0)
    t = np.array([ts for ts, _ in items])
    reports = [r for _, r in items]
    assert all(len(r) == 22 and r[0] == 0x34 for r in reports)
    rate = (len(t) - 1) / (t[-1] - t[0])
    assert 60.0 <= rate <= 100.0  # ≈ 60-100 Hz jittered
    dt = np.diff(t)
    assert dt.std() > 0.002 and dt.min() < 0.006 and dt.max() > 0.02  # jitter, bursts, late reports
    matrix, lengths = p.pack_reports(reports)
    dec = p.decode_sample_reports(matrix, lengths)
    assert dec.valid.all()
    cal = p.parse_calibration_block(REAL_CALIBRATION_BLOCK)
    total_kg = p.raw_to_kg(dec.raw, cal).sum(axis=1)
    assert total_kg.mean() == pytest.approx(70.0, abs=0.3)
    assert np.all(dec.temperature == 0x1A) and np.all(dec.battery == 0x9E)


def test_0x32_reports_and_buttons() -> None:
    board = SimulatedWiiBoard(button_presses_s=(0.5,))
    _init(board)
    board.handle_output(p.encode_reporting_mode(0x32, continuous=True), 0.05)
    items = board.reports_until(1.0)
    assert all(len(r) == 11 and r[0] == 0x32 for _, r in items)
    pressed = [ts for ts, r in items if p.decode(r).button]
    assert pressed and 0.5 <= min(pressed) and max(pressed) < 0.65
    # In DRM 0x30 only button changes are reported.
    quiet = SimulatedWiiBoard(button_presses_s=(0.3,))
    assert [r for _, r in quiet.reports_until(1.0)] == [bytes.fromhex("300008"), bytes.fromhex("300000")]


def test_battery_drains() -> None:
    board = SimulatedWiiBoard(battery_drain_per_hour=20.0)
    ext0, vv0 = board.battery_bytes(0.0)
    ext1, vv1 = board.battery_bytes(3600.0)
    assert (ext0 - ext1, vv0 - vv1) == (20, 20)


def test_unsolicited_status_stops_the_stream_until_the_mode_is_resent() -> None:
    board = SimulatedWiiBoard(status_every_s=1.0)
    _init(board)
    board.handle_output(p.encode_reporting_mode(0x34), 0.05)
    items = board.reports_until(3.0)
    status_t = [ts for ts, r in items if r[0] == 0x20]
    data_t = np.array([ts for ts, r in items if r[0] == 0x34])
    assert status_t == [1.0, 2.0, 3.0]
    assert data_t.max() <= 1.0  # nothing after the status until 0x12 is sent again
    board.handle_output(p.encode_reporting_mode(0x34), 3.0)
    later = [ts for ts, r in board.reports_until(3.5) if r[0] == 0x34]
    assert later and min(later) > 3.0


def test_faults_dropout_and_corruption() -> None:
    board = SimulatedWiiBoard(dropout=0.1, bad_report_rate=0.1, seed=3)
    _init(board)
    board.handle_output(p.encode_reporting_mode(0x34), 0.05)
    items = board.reports_until(10.0)
    assert board.data_reports_dropped > 50 and board.data_reports_corrupted > 50
    bad = 0
    for _, r in items:
        try:
            p.decode(r)
        except p.MalformedReport:
            bad += 1
    # Corruptions that happen to stay well-formed (e.g. a truncation to exactly 22 bytes) cannot exist;
    # every corrupted report is malformed.
    assert bad == board.data_reports_corrupted


def test_link_drop_and_reconnect() -> None:
    board = SimulatedWiiBoard(disconnect_at_s=1.0, reconnect_after_s=2.0)
    assert board.link_up(0.5) and not board.link_up(1.5) and board.link_up(3.0)
    with pytest.raises(ConnectionError):
        board.reconnect(2.0)
    _init(board)
    board.reconnect(3.0)
    assert not board.ext_initialised and board.drm == 0x30  # forgot everything, as after a power cycle


def test_init_never_finishes_fault() -> None:
    board = SimulatedWiiBoard(init_never_finishes=True)
    assert _exchange(board, p.encode_write(0xA400F0, b"\x55"), 0.0) == []
