"""Shared by the LSL tests: bounded resolve/connect/pull, a simulated device's blocks, this process's sockets."""

from __future__ import annotations

import os
import time
import uuid

import numpy as np

from drivers import registry

#: Generous bounds for waits on a loaded 2-core machine; no test asserts how long anything took.
WAIT_S = 20.0


def unique_name(prefix: str) -> str:
    """A stream name no other process on this machine uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def resolve(pylsl, name: str):
    found = pylsl.resolve_byprop("name", name, 1, WAIT_S)
    assert len(found) == 1, f"stream {name!r} not found on this machine"
    return found[0]


def connect(pylsl, name: str, outlet=None):
    """An inlet on stream ``name`` with no post-processing: time stamps arrive exactly as pushed."""
    inlet = pylsl.StreamInlet(resolve(pylsl, name), max_buflen=60, processing_flags=pylsl.proc_none)
    inlet.open_stream(WAIT_S)
    if outlet is not None:
        assert outlet.wait_for_consumers(WAIT_S)
    return inlet


def pull(inlet, n_expected: int, *, strings: bool = False, ended=None):
    """Pull until ``n_expected`` samples came, the wait bound passed, or ``ended()`` and nothing more came."""
    values, stamps = [], []
    deadline = time.monotonic() + WAIT_S
    count = 0
    while count < n_expected and time.monotonic() < deadline:
        was_over = ended is not None and ended()
        chunk, ts = inlet.pull_chunk(timeout=0.2, max_samples=4096, as_numpy=not strings)
        if len(ts):
            values.append(chunk)
            stamps.append(np.asarray(ts, dtype=np.float64))
            count += len(ts)
        elif was_over:
            break
    if not stamps:
        return [] if strings else np.empty((0, 0), np.float32), np.empty(0)
    joined = [sample[0] for c in values for sample in c] if strings else np.concatenate(values)
    return joined, np.concatenate(stamps)


def device_blocks(spec: str, options: dict, n_samples: int):
    """Open a simulated device and read at least ``n_samples`` samples; (device info, blocks)."""
    device = registry.create(spec, options)
    with device:
        device.start()
        blocks, count = [], 0
        while count < n_samples:
            block = device.read(1.0)
            if block is not None and block.n_samples:
                blocks.append(block)
                count += block.n_samples
        device.stop()
        return device.info, blocks


def own_inet_sockets() -> list[tuple[str, str, str]]:
    """(protocol, local address:port, remote address:port) of every inet socket this process holds (Linux)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for proto in ("tcp", "udp", "tcp6", "udp6"):
        with open(f"/proc/self/net/{proto}") as table:
            for line in table.read().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    found.append((proto, _address(fields[1]), _address(fields[2])))
    return found


def _address(hex_address: str) -> str:
    """``0100007F:40BB`` -> ``127.0.0.1:16571`` (IPv4 in /proc/net is little-endian per 32-bit word)."""
    host, port = hex_address.split(":")
    if len(host) == 8:
        ip = ".".join(str(b) for b in bytes.fromhex(host)[::-1])
    else:
        ip = "v6:" + host
    return f"{ip}:{int(port, 16)}"
