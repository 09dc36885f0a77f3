"""The outgoing edge: Bot Connector clients built once, with the retry policy msrest meant.

Stock botbuilder builds, for every incoming activity, a new ``ConnectorClient`` (to send the
replies) and a new ``UserTokenClient`` (for OAuth prompts, which this bot does not use). Each
one constructs an msrest ``Configuration``, whose ``ClientRetryPolicy`` computes its list of
retryable status codes with about 500,000 list look-ups (``i not in safe_codes`` for 999 codes
against a 500-item list): most of a turn's CPU. Each new client also opens a new HTTP session,
so no connection to the connector is ever reused. (The upstream fix, Azure/msrest-for-python
PR #266, was closed unmerged: msrest is deprecated.)

``EdgeAuthentication`` wraps the adapter's ``BotFrameworkAuthentication`` and keeps one client
per (app id, service URL, audience) and one user-token client per app id, built on first use
and reused by every later turn (a bounded LRU: service URLs are a handful per cloud). Requests
are still sent by msrest's requests-based sender; each client's session now lives as long as
the client, so connections to the connector are kept alive (and, unlike a session that lives
for one turn, it is told to keep no cookies).

Sending and retries: msrest sends each request with ``requests`` in the event loop's default
executor, where urllib3 also slept between retries (for a Retry-After, up to 90 s, three times),
so eight throttled conversations held every thread of that executor, which the store and SMTP
shared: an unrelated question waited two minutes. Here every client gets ``edge_pipeline``:

- requests run in the connector's own bounded ``Pool`` (``HTTP_THREADS``), and so does the
  credentials' token fetch (MSAL, blocking), which msrest ran in the event loop;
- urllib3 never retries (``NO_RETRY``); ``EdgeRetry`` retries in the event loop, with msrest's
  settings (3 retries, after 0, 1.6 and 3.2 s; 408, and 500-998 but 501 and 505; 413, 429 and
  503 after their Retry-After), for every method (msrest meant POST to be retried too, but
  urllib3 2 ignores the ``method_whitelist`` it sets), and for failed connections;
- a request and its retries fit in ``RETRY_BUDGET_SECONDS``, well under the 15 s Teams waits
  for a turn: a retry that would end past it is not made (a Retry-After of 20 s fails the
  reply at once, it does not hold the turn); one attempt times out after ``REQUEST_TIMEOUT``.
  A read timeout is not retried: the message may have arrived.

Serialisation: ``EdgeSerializer`` writes what msrest writes for each outgoing activity, without
walking the Adaptive Card in it value by value, twice (see the class).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from typing import Any, TypeVar

import requests
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient
from msrest.exceptions import ClientRequestError, DeserializationError, SerializationError
from msrest.pipeline import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline, Request, Response
from msrest.pipeline.async_requests import AsyncPipelineRequestsHTTPSender
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import (
    Deserializer,
    Model,
    Serializer,
    _recursive_validate,
    attribute_key_case_insensitive_extractor,
    last_rest_key_case_insensitive_extractor,
    rest_key_case_insensitive_extractor,
)
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_requests import (
    AsyncRequestsClientResponse,
    AsyncRequestsHTTPSender,
)
from msrest.universal_http.requests import ClientRetryPolicy
from urllib3 import Retry

from bot.core.plain_json import is_plain_json
from bot.ops.pools import Pool
from bot.ops.telemetry import CLIENT, Telemetry

log = logging.getLogger("interact.connector")

RETRIES = 3
BACKOFF_FACTOR = 0.8  # seconds: retries after 0, 1.6, 3.2 s
MAX_BACKOFF = 90.0  # seconds: urllib3's cap on one wait (the budget below comes first)
# msrest's ClientRetryPolicy: retry every status code but the "safe" ones, computed once here.
RETRY_STATUS = frozenset(range(999)) - frozenset(ClientRetryPolicy.safe_codes)
RETRY_AFTER_STATUS = frozenset({413, 429, 503})  # urllib3's: these wait for their Retry-After
RETRY_BUDGET_SECONDS = 6.0  # a request and all its retries; Teams waits 15 s for a turn
REQUEST_TIMEOUT = (3.05, 5.0)  # seconds: to connect, then between bytes of the answer
HTTP_THREADS = 10  # requests' connection pool keeps 10 connections per host
MAX_CACHED = 64
NO_RETRY = Retry(0, read=False)  # urllib3 gives up at once; EdgeRetry decides, in the loop


@dataclass
class Retrying:
    """When to retry a request to the connector, and how long to wait before (see the module's
    docstring). ``sleep`` and ``clock`` are the event loop's."""

    retries: int = RETRIES
    backoff_factor: float = BACKOFF_FACTOR
    budget: float = RETRY_BUDGET_SECONDS
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic

    def backoff(self, retry: int) -> float:
        """urllib3's backoff before retry number ``retry`` (1, 2, ...): 0, then doubling."""
        return 0.0 if retry <= 1 else min(MAX_BACKOFF, self.backoff_factor * 2 ** (retry - 1))

    def wait(self, status: int, retry_after: str | None, retry: int) -> float | None:
        """Seconds to wait before retrying an answer with ``status``, or None: not retried."""
        after = parse_retry_after(retry_after) if status in RETRY_AFTER_STATUS else None
        if after is not None:
            return after
        return self.backoff(retry) if status in RETRY_STATUS else None


def parse_retry_after(value: str | None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) in seconds from now; None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class EdgeRetry(AsyncHTTPPolicy):
    """Retries in the event loop (no thread sleeps), within the budget: an msrest pipeline
    policy."""

    def __init__(self, retrying: Retrying) -> None:
        super().__init__()
        self.retrying = retrying

    async def send(self, request: Request, **kwargs: Any) -> Response:
        plan = self.retrying
        deadline = plan.clock() + plan.budget
        retry = 0
        while True:
            retry += 1
            try:
                response = await _next(self).send(request, **kwargs)
            except ClientRequestError as exc:
                failed = isinstance(exc.inner_exception, requests.ConnectionError)
                if not failed or retry > plan.retries:
                    raise
                wait, why = plan.backoff(retry), f"connection failed ({exc.inner_exception})"
                if plan.clock() + wait > deadline:
                    raise
            else:
                answer = response.http_response
                status = answer.status_code
                found = plan.wait(status, answer.headers.get("Retry-After"), retry)
                if found is None or retry > plan.retries:
                    return response
                wait, why = found, f"answered {status}"
                if plan.clock() + wait > deadline:
                    log.warning(
                        "%s %s %s: not retried, a wait of %.1f s is past the %.0f s budget",
                        request.http_request.method,
                        _path(request.http_request),
                        why,
                        wait,
                        plan.budget,
                    )
                    return response
                answer.internal_response.close()  # the connection goes back to the pool
            log.info(
                "%s %s %s: retry %d in %.1f s",
                request.http_request.method,
                _path(request.http_request),
                why,
                retry,
                wait,
            )
            await plan.sleep(wait)


def _next(policy: AsyncHTTPPolicy) -> AsyncHTTPPolicy | AsyncHTTPSender:
    """The policy's next step: the pipeline sets it when it is built."""
    if policy.next is None:
        raise RuntimeError(f"{type(policy).__name__} is not in a pipeline")
    return policy.next


def _path(request: ClientRequest) -> str:
    """The request's path, without the host: enough to tell which conversation."""
    return str(request.url).split("/v3/", 1)[-1][:200]


# The words of the Bot Connector's paths; every other segment is an id (a conversation's, an
# activity's, a user's) and never leaves the bot in telemetry.
_PATH_WORDS = frozenset(
    {
        "v3",
        "conversations",
        "activities",
        "members",
        "pagedmembers",
        "attachments",
        "views",
        "teams",
        "channels",
        "meetings",
        "participants",
        "batch",
        "tenant",
        "users",
        "operations",
        "failedentries",
        "history",
        "api",
        "usertoken",
        "gettoken",
        "getaadtokens",
        "signout",
        "gettokenstatus",
    }
)


def url_template(url: str) -> str:
    """A connector address's path with its ids replaced: ``/v3/conversations/{id}/activities``."""
    path = urllib.parse.urlsplit(url).path
    return "/" + "/".join(s if s.lower() in _PATH_WORDS else "{id}" for s in path.split("/") if s)


class TracedRequests(AsyncHTTPPolicy):
    """Each request to the connector (its retries included) as a client span: the method, the
    host, the path with its ids replaced (``url_template``) and the status."""

    def __init__(self, telemetry: Telemetry) -> None:
        super().__init__()
        self.telemetry = telemetry

    async def send(self, request: Request, **kwargs: Any) -> Response:
        http = request.http_request
        template = url_template(str(http.url))
        attributes = {
            "http.request.method": str(http.method),
            "server.address": urllib.parse.urlsplit(str(http.url)).hostname or "",
            "url.template": template,
            "interact.dependency": "connector",
        }
        with self.telemetry.span(f"{http.method} {template}", CLIENT, attributes) as span:
            response = await _next(self).send(request, **kwargs)
            status = response.http_response.status_code
            span.set("http.response.status_code", status)
            if status >= 400:
                span.error(str(status))
            return response


class PooledCredentials(AsyncHTTPPolicy):
    """msrest's credentials policy, with the token fetch (MSAL: blocking, network) in the
    pool instead of the event loop."""

    def __init__(self, credentials: Any, pool: Pool) -> None:
        super().__init__()
        self.credentials = credentials
        self.pool = pool

    async def send(self, request: Request, **kwargs: Any) -> Response:
        if request.context is None:
            raise ValueError("a request without its pipeline context")
        await self.pool.run(self.credentials.signed_session, request.context.session)
        return await _next(self).send(request, **kwargs)


class PooledSender(AsyncRequestsHTTPSender):
    """msrest's requests sender, run in the connector's own pool, not the default executor."""

    def __init__(self, config: Any, pool: Pool) -> None:
        super().__init__(config)
        self.pool = pool

    # msrest's own AsyncRequestsHTTPSender overrides the blocking send with a coroutine too
    async def send(  # type: ignore[override]
        self, request: ClientRequest, **kwargs: Any
    ) -> AsyncRequestsClientResponse:
        options = self._configure_send(request, **kwargs)
        session = options.pop("session", self.session)
        try:
            response = await self.pool.run(session.request, request.method, request.url, **options)
        except requests.RequestException as exc:
            message = f"Error occurred in request, {type(exc).__name__}: {exc}"
            raise ClientRequestError(message, exc) from exc
        return AsyncRequestsClientResponse(request, response)


def edge_pipeline(
    config: Any, retrying: Retrying, pool: Pool, telemetry: Telemetry | None = None
) -> AsyncPipeline:
    """msrest's pipeline for an async client (user agent, credentials, deserialiser, HTTP
    log), with ``EdgeRetry`` outermost (but for the span, ``TracedRequests``) and the pool
    doing the blocking work."""
    config.connection.timeout = REQUEST_TIMEOUT
    policies: list[Any] = [config.user_agent_policy]
    if telemetry is not None and telemetry.enabled:
        policies.append(TracedRequests(telemetry))
    policies.append(EdgeRetry(retrying))
    if config.credentials:
        policies.append(PooledCredentials(config.credentials, pool))
    policies += [RawDeserializer(), config.http_logger_policy]
    return AsyncPipeline(policies, AsyncPipelineRequestsHTTPSender(PooledSender(config, pool)))


class RetryPolicy(ClientRetryPolicy):
    """msrest's ``ClientRetryPolicy`` (same interface: ``retries``, ``backoff_factor``,
    ``max_backoff``, called for the urllib3 ``Retry``) around a ``Retry`` built once: by
    default ``NO_RETRY``, since ``EdgeRetry`` retries."""

    def __init__(self, retry: Retry | None = None) -> None:  # no super(): that is the cost
        self.policy = retry or NO_RETRY

    # msrest declares an int attribute; urllib3's backoff_max is a float
    @property  # type: ignore[override]
    def max_backoff(self) -> float:  # msrest reads BACKOFF_MAX, gone in urllib3 2
        return self.policy.backoff_max

    @max_backoff.setter
    def max_backoff(self, value: float) -> None:
        self.policy.backoff_max = value


_NO_COOKIES = DefaultCookiePolicy(allowed_domains=[])


def _prepare_session(session: Any, config: Any, _local: Any, **kwargs: Any) -> Any:
    """msrest's per-request session hook: the session's adapters use ``config.retry_policy``,
    and it keeps no cookies.

    msrest applies its policy when it creates a session, and the sender creates the session it
    actually uses while the client is being built, before a policy can be swapped in. A stock
    client lives for one turn, so cookies never outlive it; a shared one must not carry them
    from one conversation to the next."""
    retry = config.retry_policy.policy
    for adapter in session.adapters.values():
        if adapter.max_retries is not retry:
            adapter.max_retries = retry
    if session.cookies.get_policy() is not _NO_COOKIES:
        session.cookies.clear()
        session.cookies.set_policy(_NO_COOKIES)
    return kwargs  # the request's arguments, unchanged


def _use_policy(client: Any, policy: ClientRetryPolicy) -> None:
    """Give a freshly built msrest client the shared retry policy."""
    config = getattr(client, "config", None)
    if config is not None and hasattr(config, "retry_policy"):
        config.retry_policy = policy
        config.session_configuration_callback = _prepare_session


# --------------------------------------------------------------------------- serialisation


class EdgeDeserializer(Deserializer):
    def deserialize_object(self, attr: Any, **kwargs: Any) -> Any:
        return attr if is_plain_json(attr) else super().deserialize_object(attr, **kwargs)


class _Unusual(Exception):
    """A value the direct walk leaves to msrest (``EdgeSerializer.body``)."""


class EdgeSerializer(Serializer):
    """msrest's ``Serializer`` with the same output for less work. For every reply msrest walks
    the activity, and the Adaptive Card inside it (typed ``object``), twice: ``body`` first
    rebuilds the model it was given, then serialises it, each attribute through a key
    transformer, a copy of its description and a chain of type look-ups, each string through
    two caught exceptions (an Enum check, then Python 2's ``unicode``). Here ``body`` writes a
    model tree it can vouch for directly (``_model``); a card that is plain JSON is passed
    through as it is, and a plain ``str`` is returned at once; anything else takes msrest's own
    path. (tests/http/test_connector.py compares the output with msrest's on every reply to the
    benchmark's questions, as botbuilder sends them.)"""

    def serialize_object(self, attr: Any, **kwargs: Any) -> Any:
        return attr if is_plain_json(attr) else super().serialize_object(attr, **kwargs)

    @classmethod
    def serialize_unicode(cls, data: Any) -> Any:
        return data if type(data) is str else super().serialize_unicode(data)

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        """msrest 0.7.1's ``Serializer.body`` for JSON models, rebuilding with
        ``EdgeDeserializer``; anything else goes to msrest's own."""
        model = self.dependencies.get(data_type.strip("[]{}"))
        if (
            data is None
            or not (isinstance(model, type) and issubclass(model, Model))
            or kwargs.get("is_xml")
            or model.is_xml_model()
        ):
            return super().body(data, data_type, **kwargs)
        kwargs["is_xml"] = False
        if isinstance(data, Model) and data_type in self.dependencies:
            try:
                return self._model(data)
            except Exception:  # _Unusual, or an error msrest reports in its own words below
                pass
        deserializer = EdgeDeserializer(self.dependencies)
        deserializer.additional_properties_detection = False
        deserializer.key_extractors = [
            rest_key_case_insensitive_extractor,
            attribute_key_case_insensitive_extractor,
            last_rest_key_case_insensitive_extractor,
        ]
        try:
            data = deserializer._deserialize(data_type, data)
        except DeserializationError as err:
            raise SerializationError("Unable to build a model: " + str(err)) from err
        if self.client_side_validation:
            errors = _recursive_validate(data_type, data_type, data)
            if errors:
                raise errors[0]
        return self._serialize(data, data_type, **kwargs)

    def _model(self, model: Model) -> dict[str, Any]:
        """What msrest's ``body`` writes for ``model``, where msrest's rebuild of it changes
        nothing: every model-typed attribute holds a model (or a list of models and None), no
        model has validation rules (msrest checks them, and leaves out read-only attributes),
        no key is flattened (``a.b``) and none is ``additional_properties``. Attributes that
        are None are left out; each value's own model decides its attributes, as in msrest.
        Anything else raises ``_Unusual``: msrest's own path then writes it."""
        if model._validation or model.is_xml_model():
            raise _Unusual(type(model).__name__)
        serialized: dict[str, Any] = {}
        for attr, desc in model._attribute_map.items():
            value = getattr(model, attr)
            if value is None:
                continue
            key = desc["key"]
            if "." in key or attr == "additional_properties":
                raise _Unusual(key)
            serialized[key] = self._value(value, desc)
        return serialized

    def _value(self, value: Any, desc: dict[str, Any]) -> Any:
        kind: str = desc["type"]
        inner = kind.strip("[]{}")
        if inner in self.dependencies:  # a model, or a list of them: msrest rebuilds these
            if kind == inner and isinstance(value, Model):
                return self._model(value)
            if kind == f"[{inner}]" and type(value) is list:
                return [None if v is None else self._value(v, {"type": inner}) for v in value]
            raise _Unusual(kind)
        if type(value) is _PLAIN.get(kind) or (kind == "object" and is_plain_json(value)):
            return value
        if kind == "[str]" and type(value) is list and all(type(v) is str for v in value):
            return value[:]
        # dates, enums, subclasses of str: msrest's own serialisation of the value
        return self.serialize_data(value, kind, serialization_ctxt=desc, is_xml=False)


_PLAIN = {"str": str, "bool": bool, "int": int, "float": float}  # written as they are


def use_edge_serializer(client: Any) -> None:
    """Give an msrest client (and its operation groups) an ``EdgeSerializer``."""
    serializer = EdgeSerializer(client._serialize.dependencies)
    client._serialize = serializer
    for group in vars(client).values():
        if getattr(group, "_serialize", None) is not None and group is not serializer:
            group._serialize = serializer


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Lru(OrderedDict[K, V]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_recent(self, key: K) -> V | None:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)  # a turn still using it keeps its reference
        return value


class CachingConnectorFactory(ConnectorFactory):
    """The stock factory for one app id, with its clients kept in ``cache``."""

    def __init__(
        self,
        inner: ConnectorFactory,
        app_id: str | None,
        cache: _Lru[tuple[str | None, str, str | None], ConnectorClient],
        prepare: Callable[[Any], None],
    ) -> None:
        self.inner = inner
        self.app_id = app_id
        self.cache = cache
        self.prepare = prepare

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self.app_id, service_url, audience)
        client = self.cache.get_recent(key)
        if client is None:
            client = await self.inner.create(service_url, audience)
            self.prepare(client)
            use_edge_serializer(client)
            self.cache.put(key, client)
        return client


class EdgeAuthentication(BotFrameworkAuthentication):
    """A ``BotFrameworkAuthentication`` that authenticates exactly as ``inner`` does and hands
    out connector and user-token clients built once, sending through ``edge_pipeline`` (see
    the module's docstring). ``close`` when the app stops."""

    def __init__(
        self,
        inner: BotFrameworkAuthentication,
        policy: ClientRetryPolicy | None = None,
        retrying: Retrying | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.inner = inner
        self.telemetry = telemetry
        self.policy = policy or RetryPolicy()
        self.retrying = retrying or Retrying()
        self.pool = Pool("connector", HTTP_THREADS)
        self.connectors: _Lru[tuple[str | None, str, str | None], ConnectorClient] = _Lru(
            MAX_CACHED
        )
        self.token_clients: _Lru[str | None, UserTokenClient] = _Lru(MAX_CACHED)

    def close(self) -> None:
        self.pool.close()

    def _prepare(self, client: Any) -> None:
        """A freshly built msrest client: the shared urllib3 policy, the edge pipeline."""
        _use_policy(client, self.policy)
        config = getattr(client, "config", None)
        if config is not None and hasattr(config, "pipeline"):
            config.pipeline = edge_pipeline(config, self.retrying, self.pool, self.telemetry)

    def _factory(self, inner: ConnectorFactory, claims: ClaimsIdentity) -> ConnectorFactory:
        return CachingConnectorFactory(inner, _app_id(claims), self.connectors, self._prepare)

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self.inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = self._factory(
                result.connector_factory, result.claims_identity
            )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self.inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._factory(self.inner.create_connector_factory(claims_identity), claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = _app_id(claims_identity)
        client = self.token_clients.get_recent(key)
        if client is None:
            client = await self.inner.create_user_token_client(claims_identity)
            inner_client = getattr(client, "_client", None)
            if inner_client is not None:
                self._prepare(inner_client)
            self.token_clients.put(key, client)
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self.inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self.inner.authenticate_channel_request(auth_header)


def _app_id(claims: ClaimsIdentity) -> str | None:
    """The bot's app id in the claims, read as the stock factory reads it: the audience claim
    (requests from a channel), else the appid claim (the Emulator)."""
    app_id = claims.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if app_id is None:
        app_id = claims.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return app_id
