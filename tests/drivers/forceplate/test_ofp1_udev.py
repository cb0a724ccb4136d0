"""The udev rules shipped for the OFP-1 plate: right ids, uaccess numbered below 73, a plugdev variant."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from drivers.forceplate.usb_access import DEFAULT_PID, DEFAULT_VID

ROOT = Path(__file__).resolve().parents[3]
UDEV = ROOT / "station" / "udev"


def _rules(path: Path) -> list[dict[str, str]]:
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pairs = re.findall(r'([A-Z]+(?:\{[A-Za-z_]+\})?)\s*(==|\+=|=)\s*"([^"]*)"', line)
        assert pairs, f"unparsable rule line: {line}"
        rules.append({f"{key}{op}": value for key, op, value in pairs})
    return rules


def _match_plate(rule: dict[str, str]) -> None:
    assert rule["SUBSYSTEM=="] == "usb" and rule["ENV{DEVTYPE}=="] == "usb_device"
    assert rule["ATTR{idVendor}=="] == f"{DEFAULT_VID:04x}"
    assert rule["ATTR{idProduct}=="] == f"{DEFAULT_PID:04x}"


def test_uaccess_rule_is_numbered_below_73_and_tags_the_plate() -> None:
    files = sorted(UDEV.glob("*ofp1*.rules"))
    uaccess = [f for f in files if "plugdev" not in f.name]
    assert len(uaccess) == 1
    assert int(uaccess[0].name.split("-")[0]) < 73  # 73-seat-late.rules applies uaccess
    (rule,) = _rules(uaccess[0])
    _match_plate(rule)
    assert rule["TAG+="] == "uaccess" and "MODE=" not in rule


def test_plugdev_variant_uses_the_group_and_0660() -> None:
    (path,) = UDEV.glob("*ofp1-plugdev.rules")
    (rule,) = _rules(path)
    _match_plate(rule)
    assert rule["GROUP="] == "plugdev" and rule["MODE="] == "0660"


def test_no_rule_makes_the_plate_world_writable() -> None:
    for path in UDEV.glob("*.rules"):
        for rule in _rules(path):
            assert rule.get("MODE=", "0660") in ("0660", "0600")


def test_rules_ship_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.rules" in config["tool"]["setuptools"]["package-data"]["station.udev"]
    assert (ROOT / "station" / "udev" / "__init__.py").is_file()  # a package, so its data is installed
