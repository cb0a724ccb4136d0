"""A child process that writes to a store until it is killed (tests/store/test_crash.py).

Modes: ``hold`` inserts one trial inside a transaction, says so, and waits there to be killed;
``loop`` commits trial after trial, printing each committed trial's number.
"""

import hashlib
import json
import sys
import time

from station.store import Store


def insert(db, mode: str, session_id: int, k: int) -> None:
    sha = hashlib.sha256(f"{mode}-{k}".encode()).hexdigest()
    db.execute(
        "INSERT INTO trials (session_id, protocol, condition, path, sha256, recorded_utc, result_json, settings_json,"
        " created_utc) VALUES (?, 'standing', 'c', ?, ?, 'now', ?, '{}', 'now')",
        (session_id, f"/x/{k}.h5", sha, json.dumps({"values": list(range(20000)), "k": k})),
    )


def main() -> None:
    path, mode, session_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(path)
    if mode == "hold":
        with store.transaction() as db:
            insert(db, mode, session_id, 0)
            print("inside", flush=True)
            time.sleep(60)
    else:
        k = 0
        while True:
            k += 1
            with store.transaction() as db:
                insert(db, mode, session_id, k)
            print(k, flush=True)


if __name__ == "__main__":
    main()
