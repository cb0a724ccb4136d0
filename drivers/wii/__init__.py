"""Nintendo Wii Balance Board (RVL-WBC-01): pure protocol, byte-exact simulator, transports, device.

* :mod:`drivers.wii.protocol` — encode output reports, decode input reports, calibration and CRC,
  counts → kg → N (no I/O); the import point of :mod:`~drivers.wii.reports`,
  :mod:`~drivers.wii.report_arrays`, :mod:`~drivers.wii.calibration`, :mod:`~drivers.wii.conversion`
  and :mod:`~drivers.wii.init_sequence`.
* :mod:`drivers.wii.simulator` — a byte-exact simulated board that answers output reports (with
  :mod:`~drivers.wii.sim_memory`, :mod:`~drivers.wii.sim_sensors`, :mod:`~drivers.wii.sim_radio`).
* :mod:`drivers.wii.transports` — hidraw, hidapi, evdev and sim transports behind one interface, one
  module each.
* :mod:`drivers.wii.device` — :class:`~drivers.wii.device.WiiBalanceBoard` (registry ``wbb``), built from
  :mod:`~drivers.wii.discovery`, :mod:`~drivers.wii.handshake`, :mod:`~drivers.wii.tare`,
  :mod:`~drivers.wii.block_assembly` and :mod:`~drivers.wii.description`;
  :mod:`drivers.wii.sim_device` — :class:`~drivers.wii.sim_device.SimulatedWiiBalanceBoard` (``sim``, also ``sim-wbb``).
* :mod:`drivers.wii.dual` — two boards, one per foot (``wbb2``, ``sim-wbb2``).

References: docs/wii-protocol.md (the protocol's facts and sources, decisions W1-W13).
"""
