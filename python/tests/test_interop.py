"""Python <-> Java scenarios against a running platform and router.

Run by ``PythonNodeIT`` (integration-tests), which starts the platform, a router and the Java peer
node, and passes FEDSTREAM_BOOTSTRAP, FEDSTREAM_REGISTRY and FEDSTREAM_NAMESPACE. The Java peer
(node id ``java``, groups ``both``) serves the tags used below.
"""

import hashlib
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from fedstream import CallerError, HandlerError, Node, NotFoundError, Payload, TimeoutError  # noqa: E402

BOOTSTRAP = os.environ.get("FEDSTREAM_BOOTSTRAP")
pytestmark = pytest.mark.skipif(not BOOTSTRAP, reason="needs a platform: run through PythonNodeIT")
BIG = int(os.environ.get("FEDSTREAM_BIG_BYTES", str(50 * 1024 * 1024)))


@pytest.fixture(scope="module")
def node():
    n = Node(BOOTSTRAP, os.environ["FEDSTREAM_REGISTRY"], os.environ["FEDSTREAM_NAMESPACE"], "py", groups=["both"])
    n.serve("py-echo", lambda m: ({"n": m.args["n"] + 1, "from": "py"}, ()))
    with n:
        n.await_members(None, ["java"], 60)
        yield n


def test_request_to_java_with_longs_and_doubles(node):
    r = node.request("java", "sum", {"x": 2, "y": 3.5}, timeout=30)
    assert r.args["sum"] == 5.5
    assert node.request("java", "sum", {"x": 2, "y": 3}, timeout=30).args["sum"] == 5


def test_a_whole_double_reads_as_a_long_in_java_and_a_fraction_is_a_caller_error(node):
    assert node.request("java", "square", {"x": 4.0}, timeout=30).args["y"] == 16
    with pytest.raises(CallerError) as e:
        node.request("java", "square", {"x": 4.5}, timeout=30)
    assert "'x'" in e.value.reason


def test_java_errors_arrive_typed(node):
    with pytest.raises(CallerError):
        node.request("java", "fail-caller", {}, timeout=30)
    with pytest.raises(HandlerError):
        node.request("java", "fail-handler", {}, timeout=30)


def test_a_node_without_heartbeat_is_not_found(node):
    with pytest.raises(NotFoundError):
        node.request("nobody-here", "x", {}, timeout=3)


def test_java_requests_python_and_python_serves(node):
    r = node.request("java", "call-me-back", {"to": "py", "n": 41}, timeout=30)
    assert r.args == {"n": 42, "from": "py"}


def test_send_and_receive_both_ways_in_order(node):
    for i in range(5):
        node.send("java", "hello", {"seq": i})
    node.request("java", "send-me", {"to": "py", "count": 5}, timeout=30)
    got = [node.receive(30) for _ in range(5)]
    assert [m.args["seq"] for m in got] == list(range(5))
    assert all(m.source == "java" and m.tag == "from-java" for m in got)
    seen = node.request("java", "received", {"tag": "hello"}, timeout=30).args["seqs"]
    assert seen == list(range(5))


def test_broadcast_both_ways(node):
    node.broadcast("both", "bcast", {"seq": 99})
    node.request("java", "broadcast-to", {"group": "both"}, timeout=30)
    m = node.receive(30)
    assert m.tag == "bcast-from-java" and m.source == "java"
    seen = node.request("java", "received", {"tag": "bcast"}, timeout=30).args["seqs"]
    assert seen == [99]


def test_chunked_payload_python_to_java(node):
    data = os.urandom(BIG)
    r = node.request("java", "digest", {}, payloads=[Payload("blob", data)], timeout=120)
    assert r.args["size"] == BIG
    assert r.args["sha256"] == hashlib.sha256(data).hexdigest()


def test_chunked_payload_java_to_python(node):
    node.request("java", "send-big", {"to": "py", "size": BIG}, timeout=120)
    m = node.receive(120)
    assert m.tag == "big-from-java" and m.error is None
    p = m.payload("blob")
    digest = hashlib.sha256()
    with open(p.path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    assert p.size == BIG and digest.hexdigest() == m.args["sha256"]
    os.unlink(p.path)


def test_events_from_java_through_the_router_with_conditions(node):
    with node.subscribe("java-src", "ch", conditions={"a__gt": 1}) as events:
        deadline = time.time() + 60
        got = None
        while got is None and time.time() < deadline:
            node.request("java", "emit", {"role": "java-src", "channel": "ch", "a": 2}, timeout=30)
            try:
                got = events.next_item(1.0)
            except TimeoutError:
                pass
        assert got is not None and got.args["a"] == 2 and got.source == "java"
        node.request("java", "emit", {"role": "java-src", "channel": "ch", "a": 0}, timeout=30)
        node.request("java", "emit", {"role": "java-src", "channel": "ch", "a": 5}, timeout=30)
        nxt = events.next_item(30)
        while nxt.args["a"] == 2:  # probes emitted before the subscription's first event
            nxt = events.next_item(30)
        assert nxt.args["a"] == 5


def test_a_subscription_is_live_once_the_router_acknowledges_it(node):
    with node.subscribe("java-src", "live", conditions={"a__ge": 0}) as events:
        assert events.wait_live(60)
        # emitted once, right after the acknowledgement: it must arrive
        node.request("java", "emit", {"role": "java-src", "channel": "live", "a": 7}, timeout=30)
        assert events.next_item(30).args["a"] == 7


def test_python_events_reach_a_java_subscriber(node):
    deadline = time.time() + 60
    while time.time() < deadline:
        node.emit("py-src", "ch", {"a": 7})
        if node.request("java", "received", {"tag": "ch"}, timeout=30).args["seqs"]:
            return
        time.sleep(0.5)  # between probes; the loop is bounded by the deadline
    pytest.fail("the Java subscriber never got a Python event")


def test_python_messages_fire_a_java_registration(node):
    # The Java peer registered "py:py-update:2": two messages from this node make one trigger there.
    deadline = time.time() + 60
    while time.time() < deadline:
        for i in range(2):
            node.send("java", "py-update", {"seq": i})
        gathered = node.request("java", "received", {"tag": "trigger"}, timeout=30).args["seqs"]
        if gathered:
            assert gathered[0] == 2
            return
        time.sleep(0.5)  # between probes; the loop is bounded by the deadline
    pytest.fail("the Java registration never fired on Python's messages")


def test_register_gathers_java_messages_into_a_trigger(node):
    with node.register("java:update:2", "agg") as triggers:
        deadline = time.time() + 60
        trig = None
        while trig is None and time.time() < deadline:
            node.request("java", "send-me", {"to": "py", "count": 2, "tag": "update"}, timeout=30)
            try:
                trig = triggers.next_item(3.0)
            except TimeoutError:
                pass
        assert trig is not None and trig.tag == "agg"
        assert len(trig.gathered) == 2 and all(g.tag == "update" for g in trig.gathered)
    while True:  # the gathered messages also reach receive(), as on the Java side
        try:
            node.receive(2)
        except TimeoutError:
            break


def _dead_letters(node, by, wanted, timeout=30):
    """Reads the namespace's dead-letter topic until ``wanted(reasons)`` holds for the reasons of the
    records dead-lettered by ``by`` (a node or host id), or ``timeout`` passes; returns (key, reason) pairs."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "dlq-reader-%s" % time.time(),
                  "enable.auto.commit": False})
    c.assign([TopicPartition(node.topics.dlq, p, 0) for p in range(node._admin.partitions(node.topics.dlq))])
    found = []
    deadline = time.time() + timeout
    try:
        while not wanted(found) and time.time() < deadline:
            for r in c.consume(10, 1.0):
                h = dict(r.headers() or []) if r.error() is None else {}
                if h.get("fedstream.dlq.by") == by.encode():
                    found.append((r.key(), h["fedstream.dlq.reason"].decode()))
    finally:
        c.close()
    return found


def _misplaced(node, partition_of):
    """Writes a record keyed by a stranger to ``partition_of``'s mailbox partition; returns the key."""
    from fedstream.murmur2 import partition
    topic = node.topics.mailbox
    parts = node._admin.partitions(topic)
    target = partition(partition_of, parts)
    stranger = next(k for k in ("x%d" % i for i in range(1000)) if partition(k, parts) != target)
    # What a librdkafka producer with its default (CRC32) partitioner does: a key on a partition that
    # its murmur2 hash does not name. The node reading that partition dead-letters it.
    node._producer.produce(topic, key=stranger.encode(), value=b"\x00\x00\x00\x00\x01", partition=target)
    node._producer.flush(10)
    return stranger.encode()


def test_garbage_on_the_mailbox_is_dead_lettered_and_the_node_carries_on(node):
    from fedstream.murmur2 import partition
    topic = node.topics.mailbox
    mine = partition("py", node._admin.partitions(topic))
    node._producer.produce(topic, key=b"py", value=b"\x00\x7f\xff\xff\xf0garbage", partition=mine)
    node._producer.produce(topic, key=b"py", value=b"not avro at all", partition=mine)
    node._producer.flush(10)
    problems = ("UNKNOWN_SCHEMA", "BAD_MAGIC")
    found = _dead_letters(node, "py", lambda f: all(any(r.startswith(p) for _, r in f) for p in problems))
    reasons = [r for _, r in found]
    assert all(any(r.startswith(p) for r in reasons) for p in problems), reasons
    assert node.request("java", "sum", {"x": 1, "y": 1}, timeout=30).args["sum"] == 2


def test_a_record_on_the_wrong_partition_for_its_key_is_dead_lettered(node):
    key = _misplaced(node, "py")
    found = [r for k, r in _dead_letters(node, "py", lambda f: any(k == key for k, _ in f)) if k == key]
    assert found and found[0].startswith("WRONG_PARTITION"), found


def test_the_java_host_dead_letters_a_record_on_the_wrong_partition_too(node):
    key = _misplaced(node, "java")
    found = [r for k, r in _dead_letters(node, "java", lambda f: any(k == key for k, _ in f)) if k == key]
    assert found and found[0].startswith("WRONG_PARTITION"), found
