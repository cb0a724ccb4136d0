"""``station recover FILE``: make a whole copy of a recording whose writer died."""

from __future__ import annotations

import argparse
from pathlib import Path

from recordings.reader import open_recording
from recordings.recover import find_unfinished, recover


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "recover", help="copy the saved samples of an interrupted recording into a new whole file"
    )
    parser.add_argument("file", type=Path, nargs="?", help="recording left in 'recording' state (.h5)")
    parser.add_argument("--out", type=Path, help="file to write (default FILE.recovered.h5 next to FILE)")
    parser.add_argument("--scan", type=Path, metavar="FOLDER", help="list the unfinished recordings in FOLDER")
    parser.set_defaults(run=run)


def unfinished_hint(folder: Path) -> str | None:
    """One line naming the unfinished recordings in ``folder``, or None when there are none."""
    found = find_unfinished(folder)
    if not found:
        return None
    names = ", ".join(p.name for p in found[:3]) + (" ..." if len(found) > 3 else "")
    return (
        f"station: {len(found)} recording(s) in {folder} were not closed ({names}); "
        "if no other station is recording them, run `station recover FILE`"
    )


def run(args: argparse.Namespace) -> int:
    if args.scan is not None:
        for path in find_unfinished(args.scan):
            print(path)
        return 0
    if args.file is None:
        raise ValueError("give a FILE to recover, or --scan FOLDER")
    out = recover(args.file, args.out)
    rec = open_recording(out)
    print(f"recovered {rec.n_samples} samples ({rec.lost_samples} lost by the device) from {args.file} into {out}")
    return 0
