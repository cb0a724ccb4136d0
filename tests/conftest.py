"""Test-wide setup: Qt offscreen before any QApplication exists (ecosystem-ui-formats.md §1.7)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
