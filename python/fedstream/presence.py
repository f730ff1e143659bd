"""Who is alive: heartbeats read from the compacted presence topic.

A node is alive while ``now - sentAt`` of its latest heartbeat is at most that heartbeat's own
``timeoutMs`` (the departing node's setting decides, as in the Java SDK); a tombstone means it left.
"""

import threading
import time


class Presence:
    """The presence table of one node (thread-safe)."""

    def __init__(self, wire):
        self._wire = wire
        self._table = {}
        self._lock = threading.Lock()
        self.changed = threading.Event()

    def on_record(self, key, value):
        """Takes one record of the presence topic (a ``Heartbeat`` or a tombstone)."""
        with self._lock:
            if value is None:
                self._table.pop(key, None)
            else:
                hb = self._wire.decode(value)
                e = self._table.setdefault(key, {"last": 0})
                e["last"] = max(e["last"], hb["sentAt"])
                e["timeout"] = hb["timeoutMs"]
                e["groups"] = set(hb["groups"])
                e["roles"] = list(hb["roles"])
        self.changed.set()
        self.changed.clear()

    def alive(self, node_id):
        """Whether ``node_id``'s latest heartbeat is within its timeout."""
        with self._lock:
            e = self._table.get(node_id)
            return e is not None and time.time() * 1000 - e["last"] <= e["timeout"]

    def members(self, group):
        """The alive nodes of ``group`` (every alive node for ``None``)."""
        now = time.time() * 1000
        with self._lock:
            return {n for n, e in self._table.items()
                    if now - e["last"] <= e["timeout"] and (group is None or group in e["groups"])}
