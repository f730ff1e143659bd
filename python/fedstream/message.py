"""Messages and payloads as the node sees them, and their envelope form."""

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .errors import CallerError

KINDS = ("MESSAGE", "REQUEST", "REPLY", "EVENT", "TRIGGER", "CHUNK")
OWNED = ("kind", "source", "in_reply_to", "created_at")
#: Attributes with this prefix are the platform's own.
RESERVED_PREFIX = "fedstream."
#: Attribute a request carries (and its reply copies) so a late reply is recognised as one.
CALL_ATTRIBUTE = "fedstream.call"
ENVELOPE_CONTENT_TYPE = "application/vnd.fedstream.envelope+avro"
ENVELOPE_REF_CONTENT_TYPE = "application/vnd.fedstream.envelope-ref"


@dataclass
class Payload:
    """A named blob: ``data`` (bytes), or ``path`` for one reassembled from chunks (the receiver owns the file)."""

    name: str
    data: bytes = b""
    content_type: str = "application/octet-stream"
    schema_id: Optional[int] = None
    path: Optional[str] = None

    def read(self):
        """The payload's bytes (read from ``path`` for a reassembled one)."""
        if self.path is not None:
            with open(self.path, "rb") as f:
                return f.read()
        return self.data

    @property
    def size(self):
        """The payload's size in bytes."""
        if self.path is not None:
            import os
            return os.path.getsize(self.path)
        return len(self.data)


@dataclass
class Message:
    """One message: identity, routing, JSON-like ``args``, ``payloads``, an optional ``error`` (code, reason)."""

    tag: str
    args: Dict[str, Any] = field(default_factory=dict)
    payloads: List[Payload] = field(default_factory=list)
    destination: Optional[str] = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    session_id: Optional[str] = None
    session_type: str = "NOTIFICATION"
    kind: str = "MESSAGE"
    source: str = ""
    created_at: int = 0
    deadline: Optional[int] = None
    in_reply_to: Optional[str] = None
    reply_to: Optional[str] = None
    error: Optional[tuple] = None
    attributes: Dict[str, str] = field(default_factory=dict)
    traceparent: Optional[str] = None

    def payload(self, name):
        """The payload called ``name``, or ``None``."""
        for p in self.payloads:
            if p.name == name:
                return p
        return None


def check_user_attributes(attributes):
    """Refuses attributes in the platform's reserved ``fedstream.`` namespace (CALLER)."""
    for k in attributes or {}:
        if k.startswith(RESERVED_PREFIX):
            raise CallerError("attribute '%s' is reserved: names starting with 'fedstream.' are the platform's" % k)


# ------------------------------------------------------------------ JSON-like values

def to_value(v, depth=0, max_depth=64):
    """A JSON-like Python value as the envelope's recursive ``Value`` record."""
    if depth > max_depth:
        raise CallerError("args nest deeper than %d levels" % max_depth)
    if isinstance(v, tuple):
        v = list(v)
    if isinstance(v, list):
        return {"v": [to_value(x, depth + 1, max_depth) for x in v]}
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, str):
                raise CallerError("map keys in args must be strings, got %r" % (k,))
            out[k] = to_value(x, depth + 1, max_depth)
        return {"v": out}
    if v is None or isinstance(v, (bool, int, float, str, bytes)):
        if isinstance(v, int) and not isinstance(v, bool) and not -(1 << 63) <= v < (1 << 63):
            raise CallerError("integer %d does not fit in a long" % v)
        return {"v": v}
    raise CallerError("args must be JSON-like (None, bool, int, float, str, bytes, list, dict), got %s"
                      % type(v).__name__)


def from_value(rec):
    """The Python value of a decoded ``Value`` record."""
    v = rec["v"]
    if isinstance(v, list):
        return [from_value(x) for x in v]
    if isinstance(v, dict):
        return {k: from_value(x) for k, x in v.items()}
    return v


# ------------------------------------------------------------------ envelopes

def to_envelope(m, payloads):
    """The envelope dict of ``m`` with its payloads already in wire form."""
    return {
        "messageId": m.id, "sessionId": m.session_id or m.id, "sessionType": m.session_type,
        "kind": m.kind, "tag": m.tag, "source": m.source, "destination": m.destination,
        "createdAt": m.created_at or int(time.time() * 1000), "deadline": m.deadline,
        "inReplyTo": m.in_reply_to, "replyTo": m.reply_to,
        "args": {k: to_value(v) for k, v in m.args.items()},
        "payloads": payloads,
        "error": None if m.error is None else {"code": m.error[0], "reason": m.error[1], "details": {}},
        "chunk": None,
        "trace": None if m.traceparent is None else {"traceparent": m.traceparent, "tracestate": None},
        "attributes": dict(m.attributes),
    }


def from_envelope(e, payloads):
    """The message of a decoded envelope, with payloads already resolved."""
    err = e.get("error")
    trace = e.get("trace")
    return Message(
        tag=e["tag"], args={k: from_value(v) for k, v in e.get("args", {}).items()}, payloads=payloads,
        destination=e.get("destination"), id=e["messageId"], session_id=e["sessionId"],
        session_type=e.get("sessionType", "NOTIFICATION"), kind=e["kind"], source=e["source"],
        created_at=e["createdAt"], deadline=e.get("deadline"), in_reply_to=e.get("inReplyTo"),
        reply_to=e.get("replyTo"), error=None if err is None else (err["code"], err["reason"]),
        attributes=dict(e.get("attributes", {})), traceparent=None if trace is None else trace["traceparent"])
