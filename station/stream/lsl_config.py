"""Loading liblsl: the lazy pylsl import, its one error type, and a configuration that stays on this machine.

liblsl reads its configuration once per process, when the first stream info, outlet or resolver is made:
the file named by the ``LSLAPICFG`` environment variable, else ``lsl_api.cfg`` in the working directory,
``~/lsl_api/lsl_api.cfg`` and ``/etc/lsl_api/lsl_api.cfg`` (liblsl ``api_config.cpp``). pylsl is imported only
when an outlet opens, so a process can choose its configuration before that.

:func:`confine_to_machine` writes a configuration whose discovery never leaves the machine and points
``LSLAPICFG`` at it (the tests and the benchmark use it; ``docs/lsl.md`` shows the same file for users):

* ``[ports] IPv6 = disable`` — IPv4 stack only;
* ``[multicast] ResolveScope = machine`` — discovery queries go to ``MachineAddresses`` only (default
  ``{127.0.0.1}``) with multicast TTL 0, instead of the site scope's multicast groups, which make every
  outlet join 239.255.172.215 on each interface;
* ``[multicast] ListenAddress = 127.0.0.1`` — the discovery responder binds to loopback;
* ``[log] file`` — liblsl logs there (it writes "Configuration loaded from <file>", which shows the
  configuration is the one in effect).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["CONFIG_ENV", "LslError", "confine_to_machine", "import_pylsl", "machine_only_config"]

CONFIG_ENV = "LSLAPICFG"


class LslError(RuntimeError):
    """LSL cannot be used: pylsl or liblsl missing, or liblsl refused an operation."""


def import_pylsl() -> ModuleType:
    """pylsl, imported on first use; a clear :class:`LslError` when it (or its bundled liblsl) is missing."""
    try:
        import pylsl
    except ImportError as exc:
        raise LslError(f"LSL streams need pylsl (the 'lsl' extra): pip install pylsl ({exc})") from None
    except RuntimeError as exc:  # pylsl raises this when it finds no liblsl binary
        raise LslError(f"pylsl could not load liblsl: {exc}") from None
    return pylsl


def machine_only_config(log_file: Path | None = None) -> str:
    """The text of an ``lsl_api.cfg`` that keeps discovery on this machine (IPv4 loopback only)."""
    lines = [
        "[ports]",
        "IPv6 = disable",
        "",
        "[multicast]",
        "ResolveScope = machine",
        "ListenAddress = 127.0.0.1",
    ]
    if log_file is not None:
        lines += ["", "[log]", "level = 0", f"file = {log_file}"]
    return "\n".join(lines) + "\n"


def confine_to_machine(directory: Path, *, log: bool = True) -> tuple[Path, Path | None]:
    """Write ``lsl_api.cfg`` (and name a log file) in ``directory`` and point ``LSLAPICFG`` at it.

    Returns (config path, log path or None). Must run before this process first uses liblsl: it raises
    :class:`LslError` once pylsl is imported, since liblsl may then have read another configuration.
    """
    if "pylsl" in sys.modules:
        raise LslError("pylsl is already imported: liblsl may have read its configuration; "
                       f"set {CONFIG_ENV} before the first LSL call")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    log_file = directory / "liblsl.log" if log else None
    config = directory / "lsl_api.cfg"
    config.write_text(machine_only_config(log_file), encoding="utf-8")
    os.environ[CONFIG_ENV] = str(config)
    return config, log_file
