"""The request a piece of code runs under, for the audit trail, without passing it down every call."""
import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str = ""
    path: str = ""


_current = contextvars.ContextVar("qiangji_request", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        # Management commands and tasks get one context each, so their writes still group together.
        ctx = RequestContext(path="(command)")
        _current.set(ctx)
    return ctx


def activate(ctx: RequestContext):
    return _current.set(ctx)


def deactivate(token):
    _current.reset(token)
