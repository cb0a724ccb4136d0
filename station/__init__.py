"""balance-station: the application (acquisition engine, protocols, reports, CLI)."""

from recordings.writer import software_version

__version__ = software_version()
