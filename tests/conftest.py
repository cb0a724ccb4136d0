"""Test-wide setup: Qt offscreen before any QApplication exists (docs/sources.md [qt-threads])."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
