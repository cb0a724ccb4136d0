"""The open USB force plate (OFP-1, ``docs/ofp-1.md``): protocol, calibration, simulator, device.

``docs/ofp-1.md`` §6.5 maps each module to its role.
"""
