"""The Confluent wire format and a small Confluent-compatible schema registry client."""

import json
import os
import struct
import threading

import requests

from .avro import Schema
from .errors import DecodeError, UnavailableError

MAGIC = 0
_HERE = os.path.join(os.path.dirname(__file__), "schemas")


def bundled(name):
    """The self-contained schema ``name`` (Envelope, Heartbeat, Subscription, ConditionalEvent, Liveness)."""
    with open(os.path.join(_HERE, name + ".avsc"), encoding="utf-8") as f:
        return f.read()


class Registry:
    """Registers writer schemas under ``<topic>-value`` and looks schemas up by id (cached)."""

    def __init__(self, url, timeout=10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._ids = {}
        self._by_id = {}
        self._lock = threading.Lock()
        self._session = requests.Session()

    def register(self, subject, schema_text):
        """The id of ``schema_text`` under ``subject``, registering it if the registry lacks it."""
        key = (subject, schema_text)
        with self._lock:
            if key in self._ids:
                return self._ids[key]
        try:
            r = self._session.post("%s/subjects/%s/versions" % (self.url, subject),
                                   data=json.dumps({"schema": schema_text}),
                                   headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
                                   timeout=self.timeout)
        except requests.RequestException as e:
            raise UnavailableError("schema registry %s: %s" % (self.url, e)) from None
        if r.status_code >= 300:
            raise UnavailableError("schema registry refused %s: HTTP %d %s" % (subject, r.status_code, r.text[:200]))
        sid = int(r.json()["id"])
        with self._lock:
            self._ids[key] = sid
            self._by_id.setdefault(sid, Schema(schema_text))
        return sid

    def schema(self, sid):
        """The parsed schema with id ``sid``; ``DecodeError('UNKNOWN_SCHEMA')`` if the registry has none."""
        with self._lock:
            s = self._by_id.get(sid)
        if s is not None:
            return s
        try:
            r = self._session.get("%s/schemas/ids/%d" % (self.url, sid), timeout=self.timeout)
        except requests.RequestException as e:
            raise UnavailableError("schema registry %s: %s" % (self.url, e)) from None
        if r.status_code == 404:
            raise DecodeError("UNKNOWN_SCHEMA", "schema id %d is not in the registry" % sid)
        if r.status_code >= 300:
            raise UnavailableError("schema registry: HTTP %d for id %d" % (r.status_code, sid))
        s = Schema(r.json()["schema"])
        with self._lock:
            self._by_id[sid] = s
        return s


class Wire:
    """Encodes and decodes one record type on the Confluent wire format (magic 0, schema id, Avro body)."""

    def __init__(self, registry, name):
        self.registry = registry
        self.text = bundled(name)
        self.schema = Schema(self.text)
        self.name = self.schema.root[1]
        self._headers = {}

    def encode(self, topic, value):
        """The wire bytes of ``value`` for ``topic`` (registers the schema on first use per topic)."""
        h = self._headers.get(topic)
        if h is None:
            h = struct.pack(">bI", MAGIC, self.registry.register(topic + "-value", self.text))
            self._headers[topic] = h
        return h + self.schema.encode(value)

    def decode(self, data):
        """Decodes wire bytes; ``DecodeError`` (BAD_MAGIC, UNKNOWN_SCHEMA, INCOMPATIBLE_SCHEMA, GARBAGE, ...)."""
        if data is None:
            raise DecodeError("TOMBSTONE", "a record without a value")
        if len(data) < 5:
            raise DecodeError("GARBAGE", "%d bytes, fewer than the 5-byte wire header" % len(data))
        if data[0] != MAGIC:
            raise DecodeError("BAD_MAGIC", "magic byte %d, expected 0" % data[0])
        sid = struct.unpack(">I", data[1:5])[0]
        writer = self.registry.schema(sid)
        if writer.root[0] != "record" or writer.root[1] != self.name:
            raise DecodeError("INCOMPATIBLE_SCHEMA", "schema id %d is %s, not %s" % (
                sid, writer.root[1] if isinstance(writer.root, tuple) else writer.root, self.name))
        return writer.decode(data[5:])
