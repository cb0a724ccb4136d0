"""The PyQt6 + pyqtgraph live station (install the ``gui`` extra). Only this package imports Qt.

Acquisition owns the data; the GUI pulls from the ring buffer on a 60 Hz timer and draws
(docs/gui.md "How it works"). Measures come from :mod:`station.protocols.live` (which calls
:mod:`analysis`), training logic from :mod:`station.protocols.training`, recording from
:mod:`station.protocols.session` (which calls :mod:`recordings`).
"""
