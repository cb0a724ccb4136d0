"""Where the store lives: ``--store PATH``, else ``$STATION_STORE``, else a per-user data directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "STORE_FILENAME", "default_store_path", "resolve_store_path"]

ENV_VAR = "STATION_STORE"
STORE_FILENAME = "store.sqlite3"


def default_store_path() -> Path:
    """The per-user default: ``$XDG_DATA_HOME/balance-station/store.sqlite3`` (``~/.local/share`` if unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "balance-station" / STORE_FILENAME


def resolve_store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store file to use: the explicit path, the environment variable, or the per-user default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return default_store_path()
