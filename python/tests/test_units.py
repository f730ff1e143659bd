"""Broker-free tests of the codec, the partitioner, values and chunk reassembly."""

import hashlib
import os
import struct
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from fedstream import CallerError, CorruptPayloadError, DecodeError, murmur2, partition  # noqa: E402
from fedstream.avro import MAX_DEPTH, Schema  # noqa: E402
from fedstream.message import Message, from_envelope, to_envelope, to_value  # noqa: E402
from fedstream.registry import bundled  # noqa: E402
from fedstream.transfer import Reassembler, chunks  # noqa: E402

ENVELOPE = Schema(bundled("Envelope"))

# Computed with the Java client's org.apache.kafka.common.utils.Utils.murmur2 and toPositive(h) % 16.
JAVA_MURMUR2 = [("hello", 2132663229, 13), ("server", 446455941, 5), ("a", -1563381124, 12), ("ab", 316155434, 10),
                ("abc", 479470107, 11), ("abcd", -1323649548, 4), ("abcde", 461995741, 13),
                ("py-node-1", 1410945265, 1), ("role/chan", -566848399, 1), ("\u00e9t\u00e9-\u4e2d", 1927318953, 9)]


@pytest.mark.parametrize("key,h,p", JAVA_MURMUR2)
def test_murmur2_and_partition_agree_with_the_java_client(key, h, p):
    assert murmur2(key.encode("utf-8")) == h
    assert partition(key, 16) == p


def _roundtrip(args):
    m = Message(tag="t", args=args, source="py", destination="java", created_at=1)
    return from_envelope(ENVELOPE.decode(ENVELOPE.encode(to_envelope(m, []))), [])


def test_json_like_args_round_trip_with_the_right_union_branches():
    args = {"i": 3, "f": 2.5, "b": True, "s": "x", "n": None, "raw": b"\x00\x01", "l": [1, "a", [2.0]],
            "m": {"k": {"deep": False}}}
    assert _roundtrip(args).args == args


def test_an_int_is_written_as_avro_long_not_double():
    # Value's union is [null, boolean, long, double, ...]: branch 2 is long, 3 is double.
    body = ENVELOPE.encode(to_envelope(Message(tag="t", args={"x": 7}, source="s", created_at=1), []))
    assert isinstance(_roundtrip({"x": 7}).args["x"], int)
    assert b"\x02x\x04\x0e" in body  # map key "x", union branch 2 (zig-zag 4), long 7 (zig-zag 14)


def test_args_deeper_than_the_contract_limit_are_refused_with_caller():
    v = 1
    for _ in range(70):
        v = [v]
    with pytest.raises(CallerError):
        to_value(v)


def test_garbage_and_deep_input_decode_to_coded_errors_never_a_crash():
    for data in (b"", b"\xff" * 10, b"\x02", os.urandom(64)):
        try:
            ENVELOPE.decode(data)
        except DecodeError as e:
            assert e.problem in ("GARBAGE", "TOO_DEEP")
    value = Schema(bundled("Envelope")).named["io.fedstream.avro.Value"]
    assert value[0] == "record"
    deep = b"\x0c\x02" * (MAX_DEPTH + 10)  # array branch (6 -> zig-zag 12), one item, repeated
    with pytest.raises(DecodeError) as e:
        Schema({"type": "record", "name": "W", "namespace": "io.fedstream.avro", "fields": [
            {"name": "v", "type": ENVELOPE.json["fields"][11]["type"]["values"]}]}).decode(deep)
    assert e.value.problem in ("TOO_DEEP", "GARBAGE")


def test_reserved_and_owned_fields():
    from fedstream.message import check_user_attributes
    with pytest.raises(CallerError):
        check_user_attributes({"fedstream.call": "1"})
    check_user_attributes({"mine": "1"})


def test_chunks_reassemble_and_a_bad_chunk_is_named(tmp_path):
    data = os.urandom(2500)
    env = to_envelope(Message(tag="big", source="a", destination="b", created_at=1), [])
    parts, transfer = chunks(env, "weights", data, 1000)
    assert [c["chunk"]["index"] for c in parts] == [0, 1, 2]
    assert transfer["sha256"] == hashlib.sha256(data).digest()
    r = Reassembler(str(tmp_path))
    for c in parts:
        r.add(ENVELOPE.decode(ENVELOPE.encode(c)))
    path = r.finish(transfer)
    assert open(path, "rb").read() == data
    parts[1]["payloads"][0]["data"] = b"x" * 1000
    for c in parts:
        r.add(c)
    with pytest.raises(CorruptPayloadError) as e:
        r.finish(transfer)
    assert "chunk 1" in str(e.value)


def test_bundled_schemas_parse_and_name_their_records():
    for name in ("Envelope", "Heartbeat", "Subscription", "ConditionalEvent", "Liveness"):
        s = Schema(bundled(name))
        assert s.root[1] == "io.fedstream.avro." + name


_ = struct
