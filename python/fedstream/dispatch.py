"""What the consumer thread does with each record: decode, check, dead-letter, reassemble, dispatch."""

import logging
import struct

from .errors import CallerError, CorruptPayloadError, DecodeError, FedStreamError
from .message import CALL_ATTRIBUTE, ENVELOPE_CONTENT_TYPE, ENVELOPE_REF_CONTENT_TYPE, Payload, from_envelope
from .murmur2 import partition

LOG = logging.getLogger("fedstream")
_SEEN = 100_000


class Dispatcher:
    """Runs on the node's consumer thread only."""

    def __init__(self, node):
        self.n = node
        self._done = {}

    # ------------------------------------------------------------------ records

    def handle(self, r):
        n = self.n
        topic = r.topic()
        key = r.key().decode("utf-8", "replace") if r.key() is not None else None
        if topic == n.topics.presence:
            if key is not None:
                try:
                    n.presence.on_record(key, r.value())
                except FedStreamError as e:
                    self.dead_letter(r, getattr(e, "problem", "GARBAGE"), str(e))
            return
        mailbox = topic == n.topics.mailbox
        if mailbox:
            self._done[(topic, r.partition())] = r.offset() + 1
            if key is None:
                self.dead_letter(r, "NO_KEY", "a mailbox record needs its destination as key")
                return
            if key != n.id:
                if partition(key, n._admin.partitions(topic)) != r.partition():
                    self.dead_letter(r, "WRONG_PARTITION", "key '%s' hashes (murmur2) to partition %d, not %d" % (
                        key, partition(key, n._admin.partitions(topic)), r.partition()))
                return
        try:
            env = n._wire.decode(r.value())
        except DecodeError as e:
            self.dead_letter(r, e.problem, e.reason)
            return
        if not env.get("source"):
            self.dead_letter(r, "NO_SOURCE", "an envelope needs a source")
            return
        if env["source"] == n.id and not mailbox:
            return  # our own broadcast
        if mailbox and env.get("destination") not in (None, n.id):
            self.dead_letter(r, "WRONG_DESTINATION", "key '%s' but destination '%s'" % (key, env["destination"]))
            return
        if env["kind"] == "CHUNK":
            n._reassembler.add(env)
            return
        error = None
        payloads = []
        for p in env["payloads"]:
            if p.get("transfer") is not None:
                try:
                    path = n._reassembler.finish(p["transfer"])
                    payloads.append(Payload(p["name"], b"", p["contentType"], p["schemaId"], path=path))
                except CorruptPayloadError as e:
                    error = (e.code, e.reason)
            else:
                payloads.append(Payload(p["name"], p["data"], p["contentType"], p["schemaId"]))
        m = from_envelope(env, [] if error else payloads)
        if error:
            m.error = error
        if m.id in n._seen:
            return
        n._seen[m.id] = True
        if len(n._seen) > _SEEN:
            n._seen.popitem(last=False)
        self.dispatch(m)

    def dispatch(self, m):
        n = self.n
        if (m.kind == "REPLY" and m.in_reply_to and m.source == "fedstream-router" and m.error is None
                and m.tag == "fedstream.subscribe"):
            # the router's acknowledgement: the subscription is live; it keeps its events' queue
            with n._lock:
                live = n._live.pop(m.in_reply_to, None)
            if live is not None:
                live.set()
            return
        if m.kind == "REPLY" and m.in_reply_to:
            with n._lock:
                fut = n._pending.pop(m.in_reply_to, None)
                routed = n._routed.pop(m.in_reply_to, None) if m.source == "fedstream-router" else None
            if fut is not None:
                fut.set_result(m)
                return
            if routed is not None:
                code, reason = m.error or ("REJECTED", "rejected")
                from .errors import from_code
                routed.put(from_code(code, reason))
                return
            if CALL_ATTRIBUTE in m.attributes:
                LOG.info("node %s: late reply %s to %s dropped (the caller gave up)", n.id, m.id, m.in_reply_to)
                return
        if m.kind == "EVENT" and "fedstream.subscriptions" in m.attributes:
            for sid in m.attributes["fedstream.subscriptions"].split(","):
                with n._lock:
                    q = n._routed.get(sid.strip())
                if q is not None:
                    q.put(m)
            return
        if m.kind == "TRIGGER" and "fedstream.registration" in m.attributes:
            with n._lock:
                q = n._routed.get(m.attributes["fedstream.registration"])
            if q is not None:
                m.gathered = [self._gathered(p) for p in m.payloads]
                q.put(m)
            return
        if m.kind == "REQUEST":
            with n._lock:
                handler = n._handlers.get(m.tag)
            if handler is not None:
                n._workers.submit(self._serve, handler, m)
                return
        n._inbox.put(m)

    def _gathered(self, p):
        """A trigger's payload as the gathered message, or its reference (``topic:partition:offset``)."""
        if p.content_type == ENVELOPE_CONTENT_TYPE and p.schema_id is not None:
            writer = self.n._registry.schema(p.schema_id)
            return from_envelope(writer.decode(p.data), [])
        if p.content_type == ENVELOPE_REF_CONTENT_TYPE:
            return p.data.decode("utf-8")
        return p

    def _serve(self, handler, m):
        n = self.n
        try:
            out = handler(m)
            args, payloads = (out if isinstance(out, tuple) else (out, ()))
            n.reply(m, args or {}, payloads)
        except CallerError as e:
            n.reply(m, error=("CALLER", e.reason))
        except FedStreamError as e:
            n.reply(m, error=(e.code, e.reason))
        except Exception as e:  # a handler's failure is the HANDLER code, never the node's end
            n.reply(m, error=("HANDLER", "%s: %s" % (type(e).__name__, e)))

    # ------------------------------------------------------------------ the dead-letter topic and positions

    def dead_letter(self, r, problem, reason):
        n = self.n
        LOG.warning("node %s: dead-lettering %s-%d@%d: %s: %s", n.id, r.topic(), r.partition(), r.offset(), problem,
                    reason)
        headers = list(r.headers() or []) + [
            ("fedstream.dlq.code", b"DECODE"), ("fedstream.dlq.reason", ("%s: %s" % (problem, reason)).encode()),
            ("fedstream.dlq.topic", r.topic().encode()), ("fedstream.dlq.partition", str(r.partition()).encode()),
            ("fedstream.dlq.offset", str(r.offset()).encode()), ("fedstream.dlq.by", n.id.encode())]
        n._producer.produce(n.topics.dlq, key=r.key(), value=r.value(), headers=headers)

    def commit(self):
        if not self._done:
            return
        from confluent_kafka import TopicPartition
        offsets = [TopicPartition(t, p, o) for (t, p), o in self._done.items()]
        self._done.clear()
        try:
            self.n._consumer.commit(offsets=offsets, asynchronous=True)
        except Exception as e:
            LOG.warning("node %s: commit failed: %s", self.n.id, e)


_ = struct
