"""Kafka's murmur2 partitioner, as the Java client computes it.

librdkafka's default partitioner (``consistent_random``) is CRC32-based: a
producer that leaves it on writes most records to a partition that the
destination never reads.  FedStream therefore computes partitions itself,
exactly as ``org.apache.kafka.common.utils.Utils.murmur2`` and
``toPositive(...) % partitions`` do.
"""

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data):
    """The 32-bit murmur2 hash of ``data`` (bytes), as a signed int like Java's."""
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK
    whole = length & ~3
    for i in range(0, whole, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    rest = length & 3
    if rest == 3:
        h ^= data[whole + 2] << 16
    if rest >= 2:
        h ^= data[whole + 1] << 8
    if rest >= 1:
        h ^= data[whole]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def partition(key, partitions):
    """The partition of a record keyed by ``key`` (str, UTF-8 encoded, or bytes)."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    return (murmur2(key) & 0x7FFFFFFF) % partitions
