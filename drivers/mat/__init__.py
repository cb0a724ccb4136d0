"""USB-serial pressure mats: the DO-P4864 48 × 64 frame protocol, a pyserial transport, a byte-exact simulator."""
