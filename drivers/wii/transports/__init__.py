"""Ways to reach a Wii Balance Board, one module each, behind :class:`~drivers.wii.transports.base.Transport`.

Import them from :mod:`drivers.wii.transport`, which re-exports every name.
"""
