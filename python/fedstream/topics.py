"""Topic names and settings of the contract (``schemas/TOPICS.md``), and topic creation."""

import re
import time

from confluent_kafka.admin import AdminClient, NewTopic

from .errors import CallerError, UnavailableError

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
_SEVEN_DAYS = str(7 * 24 * 3600 * 1000)
_THIRTY_DAYS = str(30 * 24 * 3600 * 1000)
_PART = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _data(partitions, retention):
    return partitions, {"cleanup.policy": "delete", "retention.ms": retention,
                        "max.message.bytes": str(MAX_MESSAGE_BYTES)}


def _compacted(partitions):
    return partitions, {"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1",
                        "segment.ms": str(3600 * 1000), "max.message.bytes": str(MAX_MESSAGE_BYTES)}


SETTINGS = {
    "mailbox": _data(16, _SEVEN_DAYS), "group": _data(1, _SEVEN_DAYS), "channel": _data(6, _SEVEN_DAYS),
    "events": _data(6, _SEVEN_DAYS), "presence": _compacted(6), "liveness": _compacted(6),
    "subscriptions": _compacted(6), "conditional-events": _compacted(6), "dlq": _data(3, _THIRTY_DAYS),
}


def normalise(name, what="name"):
    """A name part as the contract spells it: underscores become hyphens; ``[a-z0-9][a-z0-9-]*``."""
    n = name.replace("_", "-")
    if not _PART.match(n):
        raise CallerError("%s '%s' must match [a-z0-9][a-z0-9-]* (underscores become hyphens)" % (what, name))
    return n


class Topics:
    """The topic names of one namespace."""

    def __init__(self, namespace):
        self.ns = normalise(namespace, "namespace")
        self.mailbox = self.ns + ".mailbox"
        self.presence = self.ns + ".presence"
        self.subscriptions = self.ns + ".subscriptions"
        self.conditional_events = self.ns + ".conditional-events"
        self.dlq = self.ns + ".dlq"

    def group(self, g):
        return "%s.group.%s" % (self.ns, normalise(g, "group"))

    def events(self, role):
        return "%s.events.%s" % (self.ns, normalise(role, "role"))


class Admin:
    """Creates the contract's topics on demand (brokers run with ``auto.create.topics.enable=false``)."""

    def __init__(self, conf):
        self.client = AdminClient(conf)
        self._known = {}

    def partitions(self, topic, timeout=10.0):
        """The partition count of ``topic``, creating it with the contract's settings if it is missing."""
        n = self._known.get(topic)
        if n is not None:
            return n
        md = self.client.list_topics(topic=topic, timeout=timeout)
        t = md.topics.get(topic)
        if t is None or t.error is not None or not t.partitions:
            kind = topic.split(".")[1]
            count, configs = SETTINGS[kind]
            fut = self.client.create_topics([NewTopic(topic, num_partitions=count, config=configs)],
                                            operation_timeout=timeout)[topic]
            try:
                fut.result(timeout)
            except Exception as e:  # TOPIC_ALREADY_EXISTS when another node won the race
                if "TOPIC_ALREADY_EXISTS" not in str(e) and "already exists" not in str(e):
                    raise UnavailableError("cannot create topic %s: %s" % (topic, e)) from None
            # A new topic's partitions get leaders within moments; under load it takes longer.
            deadline = time.time() + max(timeout, 30.0)
            while True:
                md = self.client.list_topics(topic=topic, timeout=timeout)
                t = md.topics.get(topic)
                if t is not None and t.error is None and t.partitions:
                    break
                if time.time() >= deadline:
                    raise UnavailableError("topic %s has no partitions %.0f s after creation" % (
                        topic, max(timeout, 30.0)))
                time.sleep(0.1)  # between metadata requests; bounded by the deadline above
        self._known[topic] = len(t.partitions)
        return self._known[topic]
