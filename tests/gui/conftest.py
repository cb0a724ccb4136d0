"""GUI test helpers: screenshots to the test's tmp dir, and to docs/images when STATION_DOCS_SCREENSHOTS=1.

PyQt6 comes with the dev install (``balance-station[dev]`` includes the gui extra); without it these
tests fail at import rather than being skipped.
"""

import os
from pathlib import Path

import pytest

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def screenshot(tmp_path):
    """``screenshot(widget, name, docs=True)`` saves a PNG in the test's tmp dir and returns its path; with
    STATION_DOCS_SCREENSHOTS=1 (and ``docs``) it also writes docs/images/NAME.png."""

    def save(widget, name, docs=True):
        pixmap = widget.grab()
        assert not pixmap.isNull() and pixmap.width() > 100
        path = tmp_path / f"{name}.png"
        assert pixmap.save(str(path), "PNG")
        if docs and os.environ.get("STATION_DOCS_SCREENSHOTS") == "1":
            DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
            assert pixmap.save(str(DOCS_IMAGES / f"{name}.png"), "PNG")
        return path

    return save
