"""The PyQt6 + pyqtgraph live station (install the ``gui`` extra). Only this package imports Qt.

The engine owns the data: a :class:`station.engine.session.Session` converts each block once
(:mod:`station.engine.live`, which calls :mod:`analysis`), pushes it to the ring buffer and the training
mode (:mod:`station.protocols.training`) and records it (:mod:`recordings`); the GUI peeks the ring buffer
on a 60 Hz timer and draws (docs/gui.md "How it works").
"""
