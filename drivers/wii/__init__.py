"""Nintendo Wii Balance Board (RVL-WBC-01): pure protocol, byte-exact simulator, transports, device.

* :mod:`drivers.wii.protocol` — encode output reports, decode input reports, calibration and CRC,
  counts → kg → N (no I/O).
* :mod:`drivers.wii.simulator` — a byte-exact simulated board that answers output reports.
* :mod:`drivers.wii.transport` — hidraw, hidapi, evdev and sim transports behind one interface.
* :mod:`drivers.wii.device` — :class:`~drivers.wii.device.WiiBalanceBoard` (registry ``wbb``) and
  :class:`~drivers.wii.device.SimulatedWiiBalanceBoard` (registry ``sim-wbb``).

References: ``shared/research/wii-balance-board.md`` and ``protocol-clarifications.md`` (W1-W13).
"""
