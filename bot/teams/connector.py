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

Retries: every client gets one shared ``RetryPolicy``, built once, with msrest's own settings
(3 retries, backoff factor 0.8 s: after 0, 1.6 and 3.2 s, at most 90 s) and status codes (408,
and 500-998 but 501 and 505; 413 and 429 when they carry Retry-After, which is honoured, up to
90 s). msrest asks for POST to be retried too, through urllib3's ``method_whitelist``; urllib3 2
renamed that ``allowed_methods`` and ignores the old name, so on the stock stack a reply (a
POST) that meets a 503 or a 429 is never retried. Here it is, as msrest meant and as Teams asks
bots to do for 429. Connection failures are retried for every method, as before.

Serialisation: ``EdgeSerializer`` writes what msrest writes for each outgoing activity, without
walking the Adaptive Card in it value by value, twice (see the class).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from http.cookiejar import DefaultCookiePolicy
from typing import Any, TypeVar

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
from msrest.exceptions import DeserializationError, SerializationError
from msrest.serialization import (
    Deserializer,
    Model,
    Serializer,
    _recursive_validate,
    attribute_key_case_insensitive_extractor,
    last_rest_key_case_insensitive_extractor,
    rest_key_case_insensitive_extractor,
)
from msrest.universal_http.requests import ClientRetryPolicy
from urllib3 import Retry

RETRIES = 3
BACKOFF_FACTOR = 0.8  # seconds: retries after 0, 1.6, 3.2 s
MAX_BACKOFF = 90  # seconds, also the most a Retry-After is waited for
RETRY_METHODS = frozenset({"HEAD", "TRACE", "GET", "PUT", "OPTIONS", "DELETE", "POST", "PATCH"})
# msrest's ClientRetryPolicy: retry every status code but the "safe" ones, computed once here.
RETRY_STATUS = frozenset(range(999)) - frozenset(ClientRetryPolicy.safe_codes)
MAX_CACHED = 64


def build_retry(backoff_factor: float = BACKOFF_FACTOR) -> Retry:
    """msrest's retry settings, as an urllib3 ``Retry`` that honours them under urllib3 2
    (tests that meet a failing connector on purpose retry without waiting: ``backoff_factor``
    0)."""
    return Retry(
        total=RETRIES,
        connect=RETRIES,
        read=RETRIES,
        backoff_factor=backoff_factor,
        backoff_max=MAX_BACKOFF,
        retry_after_max=MAX_BACKOFF,
        status_forcelist=RETRY_STATUS,
        allowed_methods=RETRY_METHODS,
    )


class RetryPolicy(ClientRetryPolicy):
    """msrest's ``ClientRetryPolicy`` (same interface: ``retries``, ``backoff_factor``,
    ``max_backoff``, called for the urllib3 ``Retry``) around a ``Retry`` built once."""

    def __init__(self, retry: Retry | None = None) -> None:  # no super(): that is the cost
        self.policy = retry or build_retry()

    @property
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

_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def is_plain_json(value: object) -> bool:
    """True for a tree of exactly dict (str keys), list, str, int, float, bool and None: what
    msrest's generic ``object`` (de)serialisation returns unchanged (as a copy)."""
    stack: list[Any] = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind not in _JSON_SCALARS:
            return False
    return True


class EdgeDeserializer(Deserializer):
    def deserialize_object(self, attr: Any, **kwargs: Any) -> Any:
        return attr if is_plain_json(attr) else super().deserialize_object(attr, **kwargs)


class EdgeSerializer(Serializer):
    """msrest's ``Serializer`` with the same output for less work. For every reply msrest walks
    the activity, and the Adaptive Card inside it (typed ``object``), twice: ``body`` first
    rebuilds the model it was given, then serialises it, handling each string through two
    caught exceptions (an Enum check, then Python 2's ``unicode``). Here a card that is plain
    JSON is passed through as it is, and a plain ``str`` is returned at once; anything else
    takes msrest's own path. (tests/http/test_connector.py compares the output with msrest's on
    every reply to the benchmark's questions.)"""

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
        policy: ClientRetryPolicy,
    ) -> None:
        self.inner = inner
        self.app_id = app_id
        self.cache = cache
        self.policy = policy

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self.app_id, service_url, audience)
        client = self.cache.get_recent(key)
        if client is None:
            client = await self.inner.create(service_url, audience)
            _use_policy(client, self.policy)
            use_edge_serializer(client)
            self.cache.put(key, client)
        return client


class EdgeAuthentication(BotFrameworkAuthentication):
    """A ``BotFrameworkAuthentication`` that authenticates exactly as ``inner`` does and hands
    out connector and user-token clients built once (see the module's docstring)."""

    def __init__(
        self, inner: BotFrameworkAuthentication, policy: ClientRetryPolicy | None = None
    ) -> None:
        self.inner = inner
        self.policy = policy or RetryPolicy()
        self.connectors: _Lru[tuple[str | None, str, str | None], ConnectorClient] = _Lru(
            MAX_CACHED
        )
        self.token_clients: _Lru[str | None, UserTokenClient] = _Lru(MAX_CACHED)

    def _factory(self, inner: ConnectorFactory, claims: ClaimsIdentity) -> ConnectorFactory:
        return CachingConnectorFactory(inner, _app_id(claims), self.connectors, self.policy)

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
            _use_policy(getattr(client, "_client", None), self.policy)
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
