"""LSL in tests stays on this machine: a machine-scope, IPv4-only liblsl configuration set before liblsl loads.

liblsl reads its configuration once per process, at the first stream info, outlet or resolver. pylsl is
imported only by station.stream when an outlet opens, and by these tests through the fixture below, so the
fixture sets ``LSLAPICFG`` before anything in this process touches liblsl; ``confine_to_machine`` refuses to
run once pylsl is imported, and the tests check liblsl's own log that this file is the one it loaded.
"""

import pytest

from station.stream.lsl_config import confine_to_machine


@pytest.fixture(scope="session")
def lsl_loopback(tmp_path_factory):
    """(pylsl, config path, liblsl log path) with discovery confined to this machine."""
    config, log = confine_to_machine(tmp_path_factory.mktemp("lsl"))
    import pylsl

    return pylsl, config, log
