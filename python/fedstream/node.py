"""A FedStream node over a stock Kafka client (``confluent_kafka``).

One node, one producer, one consumer thread. The consumer is *assigned* (no group rebalancing) the
node's mailbox partition, its groups' topics and the whole presence topic, reads with
``read_committed``, and dispatches by record key, as the Java host does.
"""

import collections
import concurrent.futures
import logging
import queue
import socket
import threading
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaException, Producer, TopicPartition

from . import errors
from .errors import CallerError, DecodeError, FedStreamError, NotFoundError, TimeoutError
from .message import (CALL_ATTRIBUTE, ENVELOPE_CONTENT_TYPE, Message, Payload, check_user_attributes,
                      from_envelope, to_envelope, to_value)
from .murmur2 import partition
from .presence import Presence
from .registry import Registry, Wire
from .topics import Admin, Topics, normalise
from .transfer import Reassembler, chunks

LOG = logging.getLogger("fedstream")
ROUTER = "fedstream-router"


class Node:
    """A node: ``send``, ``receive``, ``request``, ``serve``, ``reply``, ``broadcast``, ``emit``,
    ``subscribe``, ``register``, presence. Use it as a context manager (``with Node(...) as n:``)
    or call ``start()`` and ``close()``.

    Defaults: heartbeat every 1 s, liveness timeout 5 s, request timeout 30 s, chunks of 1 MiB.
    Failures raise ``FedStreamError`` subclasses whose ``code`` is the platform's error code.
    """

    def __init__(self, bootstrap_servers, registry_url, namespace, node_id, groups=(), heartbeat_interval=1.0,
                 liveness_timeout=5.0, request_timeout=30.0, chunk_size=1024 * 1024, transfer_dir=None,
                 handler_threads=4, kafka_config=None):
        self.id = node_id
        self.topics = Topics(namespace)
        self.namespace = self.topics.ns
        self.groups = [normalise(g, "group") for g in groups]
        self.heartbeat_interval = heartbeat_interval
        self.liveness_timeout = liveness_timeout
        self.request_timeout = request_timeout
        self.chunk_size = chunk_size
        base = {"bootstrap.servers": bootstrap_servers}
        base.update(kafka_config or {})
        self._admin = Admin(dict(base))
        self._producer = Producer(dict(base, **{
            "enable.idempotence": True, "acks": "all", "linger.ms": 0,
            "message.max.bytes": 4 * 1024 * 1024 + 64 * 1024,
            # The contract's partitioner; partitions are also computed explicitly (murmur2.partition).
            "partitioner": "murmur2_random"}))
        self._consumer = Consumer(dict(base, **{
            "group.id": "%s.host.%s" % (self.namespace, node_id), "enable.auto.commit": False,
            "isolation.level": "read_committed", "auto.offset.reset": "earliest",
            "fetch.max.bytes": 8 * 1024 * 1024}))
        self._registry = Registry(registry_url)
        self._wire = Wire(self._registry, "Envelope")
        self._heartbeats = Wire(self._registry, "Heartbeat")
        self._subscription_wire = Wire(self._registry, "Subscription")
        self._registration_wire = Wire(self._registry, "ConditionalEvent")
        self.presence = Presence(self._heartbeats)
        self._inbox = queue.Queue()
        self._pending = {}
        self._routed = {}
        self._live = {}
        self._handlers = {}
        self._seen = collections.OrderedDict()
        self._reassembler = Reassembler(transfer_dir)
        self._workers = concurrent.futures.ThreadPoolExecutor(handler_threads, "fedstream-%s-handler" % node_id)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._started_at = 0
        self._mailbox_partition = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self, timeout=30.0):
        """Creates what is missing, assigns the consumer, starts heartbeats; returns once the node is present."""
        self._started_at = int(time.time() * 1000)
        parts = self._admin.partitions(self.topics.mailbox)
        self._mailbox_partition = partition(self.id, parts)
        for t in (self.topics.presence, self.topics.dlq):
            self._admin.partitions(t)
        assignment = [TopicPartition(self.topics.mailbox, self._mailbox_partition)]
        committed = self._consumer.committed(assignment, timeout=timeout)
        if committed[0].offset < 0:
            committed[0].offset = OFFSET_BEGINNING
        assignment = committed
        for g in self.groups:
            topic = self.topics.group(g)
            self._admin.partitions(topic)
            assignment.append(TopicPartition(topic, 0, OFFSET_END))
        for p in range(self._admin.partitions(self.topics.presence)):
            assignment.append(TopicPartition(self.topics.presence, p, OFFSET_BEGINNING))
        self._consumer.assign(assignment)
        self._heartbeat()
        for target, name in ((self._poll_loop, "poll"), (self._heartbeat_loop, "heartbeat")):
            th = threading.Thread(target=target, name="fedstream-%s-%s" % (self.id, name), daemon=True)
            th.start()
            self._threads.append(th)
        self.await_members(None, [self.id], timeout)
        return self

    def close(self):
        """Writes the leave tombstone, flushes, commits and stops every thread. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        try:
            self._producer.produce(self.topics.presence, key=self.id.encode(), value=None,
                                   partition=partition(self.id, self._admin.partitions(self.topics.presence)))
        except KafkaException as e:
            LOG.warning("node %s: cannot write the leave tombstone: %s", self.id, e)
        self._producer.flush(10)
        for th in self._threads:
            th.join(10)
        self._workers.shutdown(wait=True)
        self._consumer.close()
        self._reassembler.close()
        with self._lock:
            for fut in self._pending.values():
                fut.set_exception(errors.FedStreamError("the node closed", "CANCELLED"))
            self._pending.clear()
            for q in self._routed.values():
                q.put(None)

    # ------------------------------------------------------------------ sending

    def _produce(self, topic, key, envelope, partition_no=None):
        value = self._wire.encode(topic, envelope)
        if len(value) > 4 * 1024 * 1024:
            raise CallerError("message '%s' is %d bytes encoded, above the 4 MiB record limit; send large data"
                              " as a payload (it is chunked)" % (envelope["tag"], len(value)))
        if partition_no is None:
            partition_no = partition(key, self._admin.partitions(topic))
        headers = [("fedstream.message-id", envelope["messageId"].encode()), ("fedstream.kind", envelope["kind"].encode())]
        errs = []
        self._producer.produce(topic, key=key.encode(), value=value, partition=partition_no, headers=headers,
                               on_delivery=lambda err, msg: errs.append(err) if err is not None else None)
        return errs

    def _write(self, topic, key, m, partition_no=None, wait=True):
        """Writes ``m`` (payloads above the chunk size as CHUNK records first)."""
        m.source = self.id
        m.created_at = m.created_at or int(time.time() * 1000)
        m.session_id = m.session_id or m.id
        env = to_envelope(m, [])
        wire_payloads = []
        errs = []
        for p in m.payloads:
            data = p.read()
            if len(data) > self.chunk_size:
                records, transfer = chunks(env, p.name, data, self.chunk_size)
                for c in records:
                    errs += self._produce(topic, key, c, partition_no)
                wire_payloads.append({"name": p.name, "contentType": p.content_type, "schemaId": p.schema_id,
                                      "data": b"", "transfer": transfer})
            else:
                wire_payloads.append({"name": p.name, "contentType": p.content_type, "schemaId": p.schema_id,
                                      "data": data, "transfer": None})
        env["payloads"] = wire_payloads
        errs += self._produce(topic, key, env, partition_no)
        if wait:
            self._producer.flush(30)
            if errs:
                raise errors.UnavailableError("Kafka did not acknowledge '%s': %s" % (m.tag, errs[0]))
        return m.id

    def send(self, to, tag, args=None, payloads=(), session_id=None, attributes=None):
        """Sends a one-way message to node ``to``; returns its message id once Kafka acknowledged it."""
        check_user_attributes(attributes)
        m = Message(tag=tag, args=dict(args or {}), payloads=list(payloads), destination=to, session_id=session_id,
                    attributes=dict(attributes or {}))
        return self._write(self.topics.mailbox, to, m)

    def broadcast(self, group, tag, args=None, payloads=()):
        """One record on the group's topic, read by every member (the sender excepted)."""
        m = Message(tag=tag, args=dict(args or {}), payloads=list(payloads))
        topic = self.topics.group(group)
        return self._write(topic, self.id, m, partition_no=0)

    def request(self, to, tag, args=None, payloads=(), timeout=None):
        """Sends a request and blocks for the reply; raises the reply's coded error, ``TimeoutError``, or
        ``NotFoundError`` when ``to`` has no heartbeat within the liveness timeout."""
        timeout = self.request_timeout if timeout is None else timeout
        if not self.presence.alive(to):
            try:
                self.await_members(None, [to], min(timeout, self.liveness_timeout))
            except TimeoutError:
                raise NotFoundError("node '%s' is not alive in namespace '%s'" % (to, self.namespace)) from None
        m = Message(tag=tag, args=dict(args or {}), payloads=list(payloads), destination=to, kind="REQUEST",
                    deadline=int((time.time() + timeout) * 1000), attributes={CALL_ATTRIBUTE: "1"})
        fut = concurrent.futures.Future()
        with self._lock:
            self._pending[m.id] = fut
        try:
            self._write(self.topics.mailbox, to, m)
            reply = fut.result(timeout)
        except concurrent.futures.TimeoutError:
            raise TimeoutError("no reply to '%s' from %s within %.1f s" % (tag, to, timeout)) from None
        finally:
            with self._lock:
                self._pending.pop(m.id, None)
        if reply.error is not None:
            raise errors.from_code(reply.error[0], reply.error[1])
        return reply

    def reply(self, request, args=None, payloads=(), error=None):
        """Answers ``request`` (``error`` = (code, reason) for a coded failure)."""
        m = Message(tag=request.tag, args=dict(args or {}), payloads=list(payloads),
                    destination=request.reply_to or request.source, kind="REPLY", in_reply_to=request.id,
                    session_id=request.session_id, session_type=request.session_type, error=error,
                    deadline=request.deadline)
        if CALL_ATTRIBUTE in request.attributes:
            m.attributes[CALL_ATTRIBUTE] = request.attributes[CALL_ATTRIBUTE]
        return self._write(self.topics.mailbox, m.destination, m)

    def serve(self, tag, handler):
        """Runs ``handler(request)`` on a worker thread for each request tagged ``tag`` and replies with what
        it returns: a dict (args), ``(args, payloads)``, or ``None``. ``CallerError`` replies CALLER, any
        other exception HANDLER with its text."""
        with self._lock:
            if tag in self._handlers:
                raise CallerError("tag '%s' is already served" % tag)
            self._handlers[tag] = handler

    # ------------------------------------------------------------------ receiving

    def receive(self, timeout=None):
        """The next message (blocking); ``TimeoutError`` after ``timeout`` seconds."""
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("no message within %.1f s" % timeout) from None

    def messages(self, timeout=None):
        """An iterator of received messages; ends when none arrives within ``timeout``."""
        while True:
            try:
                yield self.receive(timeout)
            except TimeoutError:
                return

    # ------------------------------------------------------------------ presence

    def members(self, group):
        """The alive members of ``group``."""
        return self.presence.members(normalise(group, "group"))

    def await_members(self, group, nodes_or_count, timeout):
        """Blocks until ``group`` has at least ``n`` alive members (or the given node ids are alive)."""
        deadline = time.time() + timeout
        while True:
            if isinstance(nodes_or_count, int):
                now = self.members(group)
                if len(now) >= nodes_or_count:
                    return now
            elif all(self.presence.alive(n) for n in nodes_or_count):
                return set(nodes_or_count)
            if time.time() >= deadline:
                raise TimeoutError("waiting for %s in %s: not there within %.1f s" % (nodes_or_count, group, timeout))
            self.presence.changed.wait(0.05)

    def _heartbeat(self):
        hb = {"nodeId": self.id, "groups": self.groups, "roles": [], "relationships": {}, "host": socket.gethostname(),
              "startedAt": self._started_at, "sentAt": int(time.time() * 1000),
              "intervalMs": int(self.heartbeat_interval * 1000), "timeoutMs": int(self.liveness_timeout * 1000),
              "status": "ALIVE"}
        topic = self.topics.presence
        self._producer.produce(topic, key=self.id.encode(), value=self._heartbeats.encode(topic, hb),
                               partition=partition(self.id, self._admin.partitions(topic)))
        self._producer.poll(0)

    def _heartbeat_loop(self):
        while not self._stop.wait(self.heartbeat_interval):
            try:
                self._heartbeat()
            except Exception as e:  # keep beating: a transient failure must not end presence
                LOG.warning("node %s: heartbeat failed: %s", self.id, e)

    # ------------------------------------------------------------------ the router

    def emit(self, role, channel, args=None, payloads=(), instance=None):
        """An EVENT on ``{ns}.events.{role}``, keyed by the instance (default: this node), on the channel's
        partition (murmur2 of ``role/channel``), where the router reads it."""
        role, channel = normalise(role, "role"), normalise(channel, "channel")
        topic = self.topics.events(role)
        m = Message(tag=channel, args=dict(args or {}), payloads=list(payloads), kind="EVENT")
        p = partition("%s/%s" % (role, channel), self._admin.partitions(topic))
        return self._write(topic, instance or self.id, m, partition_no=p)

    def subscribe(self, role, channel, instances=(), once=False, conditions=None):
        """Subscribes to a role's event channel; returns a ``Routed`` iterator of events (close it to unsubscribe).
        Conditions are ``{"key__op": literal}`` with op one of eq gt ge lt le contains."""
        sid = str(uuid.uuid4())
        rec = {"subscriptionId": sid, "subscriber": self.id, "role": normalise(role, "role"),
               "channel": normalise(channel, "channel"), "instances": list(instances), "relationship": None,
               "mode": "ONCE" if once else "FOREVER",
               "conditions": {k: to_value(v) for k, v in (conditions or {}).items()},
               "createdAt": int(time.time() * 1000)}
        live = threading.Event()
        with self._lock:
            self._live[sid] = live
        routed = self._routed_call(sid, self.topics.subscriptions, self._subscription_wire, rec, once)
        routed.live = live
        return routed

    def register(self, expression, handler_id):
        """Registers a conditional event (e.g. ``"w:update:2 AND m:update:1"``); returns a ``Routed`` iterator of
        triggers, each a message whose ``gathered`` lists the gathered messages in arrival order."""
        if not expression or not expression.strip():
            raise CallerError("an expression is required")
        rid = str(uuid.uuid4())
        rec = {"registrationId": rid, "nodeId": self.id, "handlerId": handler_id, "expression": expression,
               "createdAt": int(time.time() * 1000)}
        return self._routed_call(rid, self.topics.conditional_events, self._registration_wire, rec, False)

    def _routed_call(self, rid, topic, wire, rec, once):
        q = queue.Queue()
        with self._lock:
            self._routed[rid] = q
        p = partition(rid, self._admin.partitions(topic))
        self._producer.produce(topic, key=rid.encode(), value=wire.encode(topic, rec), partition=p)
        self._producer.flush(10)

        def cancel():
            with self._lock:
                self._routed.pop(rid, None)
            if not self._stop.is_set():
                self._producer.produce(topic, key=rid.encode(), value=None, partition=p)
                self._producer.flush(10)

        return Routed(q, cancel, once)

    # ------------------------------------------------------------------ the consumer thread

    def _poll_loop(self):
        from .dispatch import Dispatcher
        d = Dispatcher(self)
        while not self._stop.is_set():
            try:
                records = self._consumer.consume(500, 0.2)
            except KafkaException as e:
                LOG.warning("node %s: poll failed: %s", self.id, e)
                continue
            for r in records:
                if r.error() is not None:
                    continue
                try:
                    d.handle(r)
                except Exception as e:  # one bad record never stops the node
                    d.dead_letter(r, "GARBAGE", "%s: %s" % (type(e).__name__, e))
            d.commit()
            self._producer.poll(0)


class Routed:
    """The events of a subscription or the triggers of a registration: iterate, or ``next_item(timeout)``."""

    def __init__(self, q, cancel, once):
        self._q = q
        self._cancel = cancel
        self._once = once
        self._done = False
        self.live = None  # a threading.Event set when the router acknowledges a subscription

    def wait_live(self, timeout=None):
        """Blocks until the router has acknowledged the subscription (events emitted after that are never
        missed); ``True`` once live, ``False`` after ``timeout`` or for a registration."""
        return self.live is not None and self.live.wait(timeout)

    def __iter__(self):
        return self

    def __next__(self):
        return self.next_item(None)

    def next_item(self, timeout=None):
        """The next event or trigger; ``StopIteration`` when closed, ``TimeoutError`` after ``timeout``."""
        if self._done:
            raise StopIteration
        try:
            item = self._q.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("nothing routed within %.1f s" % timeout) from None
        if item is None:
            self._done = True
            raise StopIteration
        if isinstance(item, FedStreamError):
            self._done = True
            raise item
        if self._once:
            self.close()
        return item

    def close(self):
        """Unsubscribes (writes the tombstone)."""
        if not self._done:
            self._done = True
            self._cancel()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["Node", "Routed", "Message", "Payload", "ENVELOPE_CONTENT_TYPE", "DecodeError"]
