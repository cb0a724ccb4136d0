"""The open USB force plate (OFP-1, ``docs/ofp-1.md``): protocol, calibration, simulator, device."""
