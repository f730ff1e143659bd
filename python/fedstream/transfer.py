"""Large payloads: sending them as CHUNK records and reassembling them, checked with SHA-256.

The layout is the Java SDK's: each chunk is a ``CHUNK`` envelope (id ``<transferId>/<index>``, keyed
like its message) whose one payload holds the slice and whose ``chunk`` descriptor gives the
transfer id, payload name, index, count, offset, total size and the slice's SHA-256; then the
message itself, whose payload has empty data and a ``transfer`` record (id, total size, chunk size,
count, SHA-256 of the whole).
"""

import hashlib
import os
import tempfile
import uuid

from .errors import CorruptPayloadError


def chunks(message, payload_name, data, chunk_size):
    """The CHUNK envelopes of ``data`` and the ``transfer`` record of the final message."""
    transfer_id = str(uuid.uuid4())
    total = len(data)
    count = (total + chunk_size - 1) // chunk_size
    whole = hashlib.sha256()
    out = []
    for i in range(count):
        piece = bytes(data[i * chunk_size:(i + 1) * chunk_size])
        whole.update(piece)
        out.append({
            "messageId": "%s/%d" % (transfer_id, i), "sessionId": message["sessionId"],
            "sessionType": message["sessionType"], "kind": "CHUNK", "tag": message["tag"],
            "source": message["source"], "destination": message["destination"], "createdAt": message["createdAt"],
            "deadline": None, "inReplyTo": None, "replyTo": None, "args": {},
            "payloads": [{"name": payload_name, "contentType": "application/octet-stream", "schemaId": None,
                          "data": piece, "transfer": None}],
            "error": None,
            "chunk": {"transferId": transfer_id, "payloadName": payload_name, "index": i, "count": count,
                      "offset": i * chunk_size, "totalSize": total, "sha256": hashlib.sha256(piece).digest()},
            "trace": None, "attributes": {},
        })
    transfer = {"transferId": transfer_id, "totalSize": total, "chunkSize": chunk_size, "chunkCount": count,
                "sha256": whole.digest()}
    return out, transfer


class Reassembler:
    """Writes chunks to files in ``directory`` as they arrive; ``finish`` checks the whole SHA-256."""

    def __init__(self, directory=None):
        self.directory = directory or tempfile.gettempdir()
        self._open = {}

    def add(self, chunk_envelope):
        """Takes one CHUNK envelope; a chunk out of order marks its transfer as corrupt."""
        c = chunk_envelope["chunk"]
        tid = c["transferId"]
        t = self._open.get(tid)
        if t is None:
            fd, path = tempfile.mkstemp(prefix="fedstream-", suffix=".part", dir=self.directory)
            t = {"file": os.fdopen(fd, "wb"), "path": path, "next": 0, "offset": 0, "sha": hashlib.sha256(),
                 "bad": None}
            self._open[tid] = t
        if t["bad"] is not None:
            return
        data = chunk_envelope["payloads"][0]["data"]
        if c["index"] != t["next"] or c["offset"] != t["offset"]:
            t["bad"] = "chunk %d of %s arrived where chunk %d was expected" % (c["index"], tid, t["next"])
            return
        if hashlib.sha256(data).digest() != c["sha256"]:
            t["bad"] = "chunk %d of %s has a bad SHA-256" % (c["index"], tid)
            return
        t["file"].write(data)
        t["sha"].update(data)
        t["next"] += 1
        t["offset"] += len(data)

    def finish(self, transfer):
        """The path of the reassembled payload; ``CorruptPayloadError`` if a chunk is missing or bad."""
        t = self._open.pop(transfer["transferId"], None)
        if t is None:
            raise CorruptPayloadError("no chunk of transfer %s arrived" % transfer["transferId"])
        t["file"].close()
        problem = t["bad"]
        if problem is None and t["next"] != transfer["chunkCount"]:
            problem = "%d of %d chunks of %s arrived" % (t["next"], transfer["chunkCount"], transfer["transferId"])
        if problem is None and t["sha"].digest() != transfer["sha256"]:
            problem = "the SHA-256 of transfer %s does not match" % transfer["transferId"]
        if problem is not None:
            os.unlink(t["path"])
            raise CorruptPayloadError(problem)
        return t["path"]

    def close(self):
        """Deletes the files of transfers still open."""
        for t in self._open.values():
            t["file"].close()
            try:
                os.unlink(t["path"])
            except OSError:
                pass
        self._open.clear()
