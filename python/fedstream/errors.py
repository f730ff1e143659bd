"""Typed errors with the same codes as the Java SDK (``io.fedstream.node.ErrorCode``): the envelope codes of
the registry ``io.fedstream.schemas.ErrorRegistry``, explained in docs/errors.md (ErrorCodesTest checks them)."""


class FedStreamError(Exception):
    """Root of every error the library raises; ``code`` is the platform's error code."""

    code = "UNKNOWN"

    def __init__(self, reason, code=None):
        super().__init__(reason)
        self.reason = reason
        if code is not None:
            self.code = code

    def __str__(self):
        return "%s [%s]" % (self.reason, self.code)


class CallerError(FedStreamError):
    """The request was wrong (bad arguments, unknown tag): fix the call."""

    code = "CALLER"


class HandlerError(FedStreamError):
    """The handler failed while serving a correct request."""

    code = "HANDLER"


class TimeoutError(FedStreamError):  # noqa: A001 - the platform's own name for the code
    """No reply or message within the deadline."""

    code = "TIMEOUT"


class NotFoundError(FedStreamError):
    """The destination node is not alive (no heartbeat within the liveness timeout)."""

    code = "NOT_FOUND"


class CorruptPayloadError(FedStreamError):
    """A chunked payload arrived incomplete or with a bad SHA-256."""

    code = "CORRUPT_PAYLOAD"


class InvalidConditionError(FedStreamError):
    """The router rejected a subscription condition or a register-table expression."""

    code = "INVALID_CONDITION"


class RejectedError(FedStreamError):
    """The router or a peer rejected the request."""

    code = "REJECTED"


class UnavailableError(FedStreamError):
    """Kafka or the schema registry could not be reached."""

    code = "UNAVAILABLE"


class DecodeError(FedStreamError):
    """A record could not be decoded; ``problem`` names why (the dead-letter reason's first word)."""

    code = "DECODE"

    def __init__(self, problem, reason):
        super().__init__("%s: %s" % (problem, reason))
        self.problem = problem


_BY_CODE = {c.code: c for c in (CallerError, HandlerError, TimeoutError, NotFoundError, CorruptPayloadError,
                                InvalidConditionError, RejectedError, UnavailableError)}


def from_code(code, reason):
    """The typed error for a code carried in an envelope's ``error`` field."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return FedStreamError(reason, code)
    return cls(reason)
