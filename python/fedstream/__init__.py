"""FedStream for Python: a node that talks to Java nodes through Kafka, on the public topic contract.

Needs only Debian's ``python3-confluent-kafka``, ``python3-avro`` (not used at run time: the envelope
codec is ``fedstream.avro``) and ``python3-requests``.

    from fedstream import Node
    with Node("127.0.0.1:9092", "http://127.0.0.1:8081/apis/ccompat/v7", "demo", "py-1") as node:
        reply = node.request("server", "add", {"x": 2, "y": 3}, timeout=5)
"""

from .errors import (CallerError, CorruptPayloadError, DecodeError, FedStreamError, HandlerError,
                     InvalidConditionError, NotFoundError, RejectedError, TimeoutError, UnavailableError)
from .message import Message, Payload
from .murmur2 import murmur2, partition
from .node import Node, Routed

__all__ = ["Node", "Routed", "Message", "Payload", "murmur2", "partition", "FedStreamError", "CallerError",
           "HandlerError", "TimeoutError", "NotFoundError", "CorruptPayloadError", "InvalidConditionError",
           "RejectedError", "UnavailableError", "DecodeError"]
