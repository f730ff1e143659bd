"""Avro binary encoding and decoding, driven by a schema's JSON.

FedStream's envelope holds a recursive, JSON-like ``Value`` union
(null, boolean, long, double, string, bytes, array, map).  Generic Avro
writers pick a union branch by trying each in turn, so a Python ``int``
can end up written as a ``double``.  This codec picks the branch by the
Python type instead (``bool`` -> boolean, ``int`` -> long, ``float`` ->
double, ``str`` -> string, ``bytes`` -> bytes, ``list`` -> array, ``dict``
-> map or record), which is what a Java reader expects.

Records are dicts keyed by field name; enums are their symbol strings;
``timestamp-millis`` longs are ints (milliseconds since the epoch).
Nesting of decoded values is bounded (``MAX_DEPTH``) so that untrusted
input can never exhaust the stack.
"""

import io
import json
import struct

from .errors import DecodeError

#: Deepest nesting of records, arrays, maps and unions accepted when decoding.
MAX_DEPTH = 200

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


class Schema:
    """A parsed schema: the root type plus every named type it defines."""

    def __init__(self, text_or_obj):
        obj = json.loads(text_or_obj) if isinstance(text_or_obj, (str, bytes)) else text_or_obj
        self.named = {}
        self.root = self._parse(obj, None)
        self.json = obj

    def _parse(self, t, ns):
        if isinstance(t, str):
            if t in _PRIMITIVES:
                return t
            full = t if "." in t else (ns + "." + t if ns else t)
            return _Ref(full if full in self.named or "." in t else t, self)
        if isinstance(t, list):
            return ("union", [self._parse(b, ns) for b in t])
        kind = t["type"]
        if kind in _PRIMITIVES:
            return kind
        if kind in ("record", "error", "enum", "fixed"):
            name = t["name"]
            space = t.get("namespace", ns)
            full = name if "." in name else (space + "." + name if space else name)
            if kind == "enum":
                node = ("enum", full, list(t["symbols"]))
                self.named[full] = node
                return node
            if kind == "fixed":
                node = ("fixed", full, t["size"])
                self.named[full] = node
                return node
            fields = []
            node = ("record", full, fields)
            self.named[full] = node
            inner = full.rsplit(".", 1)[0] if "." in full else space
            for f in t["fields"]:
                fields.append((f["name"], self._parse(f["type"], inner), f.get("default", _NO_DEFAULT)))
            return node
        if kind == "array":
            return ("array", self._parse(t["items"], ns))
        if kind == "map":
            return ("map", self._parse(t["values"], ns))
        if isinstance(kind, (dict, list)) or kind not in _PRIMITIVES:
            return self._parse(kind, ns)
        raise ValueError("unsupported schema type %r" % (kind,))

    def encode(self, value):
        """Encodes ``value`` in Avro binary; raises ``ValueError`` naming what does not fit."""
        out = io.BytesIO()
        _write(out, self.root, value, "")
        return out.getvalue()

    def decode(self, data):
        """Decodes Avro binary; raises ``DecodeError`` on bad or too deeply nested input."""
        buf = _Reader(data)
        try:
            v = _read(buf, self.root, 0)
        except DecodeError:
            raise
        except (IndexError, struct.error, UnicodeDecodeError, KeyError, ValueError) as e:
            raise DecodeError("GARBAGE", "cannot decode: %s" % e) from None
        return v


class _NoDefault:
    pass


_NO_DEFAULT = _NoDefault()


class _Ref:
    """A reference to a named type, resolved when first used (types may be recursive)."""

    __slots__ = ("name", "schema")

    def __init__(self, name, schema):
        self.name = name
        self.schema = schema

    def get(self):
        t = self.schema.named.get(self.name)
        if t is None:
            for full, node in self.schema.named.items():
                if full.rsplit(".", 1)[-1] == self.name:
                    return node
            raise ValueError("unknown named type %s" % self.name)
        return t


def _resolve(t):
    return t.get() if isinstance(t, _Ref) else t


# ------------------------------------------------------------------ writing

def _zigzag(out, n):
    n = (n << 1) ^ (n >> 63)
    n &= 0xFFFFFFFFFFFFFFFF
    while n & ~0x7F:
        out.write(bytes(((n & 0x7F) | 0x80,)))
        n >>= 7
    out.write(bytes((n,)))


def _fits(t, v):
    t = _resolve(t)
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t in ("int", "long"):
        return isinstance(v, int) and not isinstance(v, bool)
    if t in ("float", "double"):
        return isinstance(v, float)
    if t == "string":
        return isinstance(v, str)
    if t == "bytes":
        return isinstance(v, (bytes, bytearray, memoryview))
    kind = t[0]
    if kind == "array":
        return isinstance(v, (list, tuple))
    if kind == "map":
        return isinstance(v, dict) and all(isinstance(k, str) for k in v)
    if kind == "enum":
        return isinstance(v, str) and v in t[2]
    if kind == "record":
        return isinstance(v, dict) and all(
            name in v or not isinstance(default, _NoDefault) for name, _, default in t[2])
    return False


def _write(out, t, v, path):
    t = _resolve(t)
    if t == "null":
        if v is not None:
            raise ValueError("%s: expected null" % path)
        return
    if t == "boolean":
        out.write(b"\x01" if v else b"\x00")
        return
    if t in ("int", "long"):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not isinstance(v, int):
            raise ValueError("%s: expected an integer, got %r" % (path, type(v).__name__))
        _zigzag(out, v)
        return
    if t == "float":
        out.write(struct.pack("<f", v))
        return
    if t == "double":
        out.write(struct.pack("<d", float(v)))
        return
    if t == "string":
        b = v.encode("utf-8")
        _zigzag(out, len(b))
        out.write(b)
        return
    if t == "bytes":
        b = bytes(v)
        _zigzag(out, len(b))
        out.write(b)
        return
    kind = t[0]
    if kind == "union":
        branches = t[1]
        for i, b in enumerate(branches):
            if _fits(b, v):
                _zigzag(out, i)
                _write(out, b, v, path)
                return
        raise ValueError("%s: %r fits no branch of the union" % (path, type(v).__name__))
    if kind == "enum":
        _zigzag(out, t[2].index(v))
        return
    if kind == "record":
        if not isinstance(v, dict):
            raise ValueError("%s: expected a record (dict) for %s" % (path, t[1]))
        for name, ft, default in t[2]:
            fv = v[name] if name in v else default
            if isinstance(fv, _NoDefault):
                raise ValueError("%s.%s: required field missing" % (path, name))
            _write(out, ft, fv, path + "." + name)
        return
    if kind == "array":
        if v:
            _zigzag(out, len(v))
            for i, item in enumerate(v):
                _write(out, t[1], item, "%s[%d]" % (path, i))
        _zigzag(out, 0)
        return
    if kind == "map":
        if v:
            _zigzag(out, len(v))
            for k, item in v.items():
                _write(out, "string", k, path)
                _write(out, t[1], item, "%s[%r]" % (path, k))
        _zigzag(out, 0)
        return
    if kind == "fixed":
        out.write(bytes(v))
        return
    raise ValueError("unsupported type %r" % (t,))


# ------------------------------------------------------------------ reading

class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data):
        self.data = memoryview(data)
        self.pos = 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise DecodeError("GARBAGE", "truncated input")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def long(self):
        shift = 0
        n = 0
        while True:
            if self.pos >= len(self.data):
                raise DecodeError("GARBAGE", "truncated varint")
            b = self.data[self.pos]
            self.pos += 1
            n |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift > 63:
                raise DecodeError("GARBAGE", "varint too long")
        return (n >> 1) ^ -(n & 1)


def _read(r, t, depth):
    t = _resolve(t)
    if t == "null":
        return None
    if t == "boolean":
        return r.take(1)[0] != 0
    if t in ("int", "long"):
        return r.long()
    if t == "float":
        return struct.unpack("<f", r.take(4))[0]
    if t == "double":
        return struct.unpack("<d", r.take(8))[0]
    if t == "string":
        return bytes(r.take(r.long())).decode("utf-8")
    if t == "bytes":
        return bytes(r.take(r.long()))
    if depth > MAX_DEPTH:
        raise DecodeError("TOO_DEEP", "nesting deeper than %d" % MAX_DEPTH)
    kind = t[0]
    if kind == "union":
        i = r.long()
        if not 0 <= i < len(t[1]):
            raise DecodeError("GARBAGE", "union branch %d out of range" % i)
        return _read(r, t[1][i], depth + 1)
    if kind == "enum":
        i = r.long()
        if not 0 <= i < len(t[2]):
            raise DecodeError("GARBAGE", "enum index %d out of range" % i)
        return t[2][i]
    if kind == "record":
        return {name: _read(r, ft, depth + 1) for name, ft, _ in t[2]}
    if kind in ("array", "map"):
        out = [] if kind == "array" else {}
        while True:
            n = r.long()
            if n == 0:
                break
            if n < 0:
                n = -n
                r.long()  # block size in bytes
            if n > len(r.data):
                raise DecodeError("GARBAGE", "block count %d larger than the input" % n)
            for _ in range(n):
                if kind == "array":
                    out.append(_read(r, t[1], depth + 1))
                else:
                    k = bytes(r.take(r.long())).decode("utf-8")
                    out[k] = _read(r, t[1], depth + 1)
        return out
    if kind == "fixed":
        return bytes(r.take(t[2]))
    raise DecodeError("GARBAGE", "unsupported type %r" % (t,))
