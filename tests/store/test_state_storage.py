"""SqliteStorage (bot/teams/storage.py) keeps botbuilder's Storage contract (as MemoryStorage and
the storage base tests of botbuilder-testing expect) over every backend, and bot state survives a
restart through it (the fixtures of tests/store/conftest.py: SQLite and Blob Storage)."""

from __future__ import annotations

import copy

import pytest
from botbuilder.core import (
    ConversationState,
    MemoryStorage,
    MessageFactory,
    StoreItem,
    TurnContext,
    UserState,
)
from botbuilder.core.adapters import TestAdapter
from botbuilder.core.bot_state import CachedBotState
from botbuilder.dialogs import (
    DialogInstance,
    DialogSet,
    DialogState,
    DialogTurnStatus,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from bot.ops.pools import Pool
from bot.teams.storage import (
    ConversationSnapshots,
    PrivateSnapshots,
    Snapshot,
    SqliteStorage,
    UserSnapshots,
    flatten,
    restore,
)
from bot.tickets.store.contract import ConflictError, Store


class Note(StoreItem):
    """A StoreItem subclass, as a bot might keep."""


# --------------------------------------------------------------------------- the contract


async def test_reading_unknown_or_no_keys(storage):
    assert await storage.read(["unknown"]) == {}
    assert await storage.read([]) == {}
    assert await storage.read(None) == {}  # as MemoryStorage


async def test_writing_none_or_nothing(storage):
    with pytest.raises(Exception, match="Changes are required when writing"):
        await storage.write(None)
    await storage.write({})
    await storage.write([])


async def test_write_and_read_dicts(storage):
    await storage.write({"poco": {"id": 1, "nested": {"list": [1, "two"], "t": (1, 2)}}})
    read = await storage.read(["poco"])
    assert read["poco"]["id"] == 1
    assert read["poco"]["nested"] == {"list": [1, "two"], "t": (1, 2)}
    assert read["poco"]["e_tag"]


async def test_write_and_read_store_items(storage):
    await storage.write({"item": StoreItem(id=2, name="two", e_tag="*"), "note": Note(text="n")})
    read = await storage.read(["item", "note"])
    assert type(read["item"]) is StoreItem
    assert (read["item"].id, read["item"].name) == (2, "two")
    assert read["item"].e_tag not in (None, "", "*")
    assert type(read["note"]) is Note
    assert read["note"].text == "n"


async def test_crazy_keys(storage):
    key = '!@#$%^&*()_+??><":QASD~`/\\ü 👍'
    await storage.write({key: {"id": 1}})
    assert (await storage.read([key]))[key]["id"] == 1


async def test_update_with_the_current_etag_then_a_stale_one_raises(storage):
    await storage.write({"item": {"count": 1, "e_tag": "*"}})
    loaded = (await storage.read(["item"]))["item"]
    loaded["count"] = 2
    await storage.write({"item": loaded})  # current e_tag: accepted
    reloaded = (await storage.read(["item"]))["item"]
    assert reloaded["count"] == 2
    assert reloaded["e_tag"] != loaded["e_tag"]  # the written object is left as it was
    loaded["count"] = 3
    with pytest.raises(ConflictError):
        await storage.write({"item": loaded})  # stale e_tag
    assert (await storage.read(["item"]))["item"]["count"] == 2


async def test_a_stale_store_item_raises(storage):
    await storage.write({"item": StoreItem(count=1)})
    first = (await storage.read(["item"]))["item"]
    second = (await storage.read(["item"]))["item"]
    first.count = 10
    await storage.write({"item": first})
    second.count = 20
    with pytest.raises(Exception, match="changed meanwhile"):
        await storage.write({"item": second})
    assert (await storage.read(["item"]))["item"].count == 10


async def test_star_or_no_etag_overwrites(storage):
    await storage.write({"a": {"count": 1}, "b": StoreItem(count=1)})
    loaded = await storage.read(["a", "b"])
    await storage.write({"a": {"count": 2}, "b": StoreItem(count=2)})  # others changed them
    loaded["a"]["e_tag"] = "*"
    loaded["a"]["count"] = 100
    loaded["b"].e_tag = None
    loaded["b"].count = 100
    await storage.write(loaded)
    final = await storage.read(["a", "b"])
    assert final["a"]["count"] == final["b"].count == 100


async def test_an_empty_etag_raises(storage):
    await storage.write({"a": {"count": 1}})
    loaded = (await storage.read(["a"]))["a"]
    loaded["e_tag"] = ""
    with pytest.raises(Exception, match="etag missing"):
        await storage.write({"a": loaded})


async def test_a_conflict_writes_nothing_of_the_batch(storage):
    await storage.write({"a": {"n": 1}, "b": {"n": 1}})
    loaded = await storage.read(["a", "b"])
    await storage.write({"b": {"n": 2}})
    loaded["a"]["n"] = loaded["b"]["n"] = 9
    with pytest.raises(ConflictError):
        await storage.write(loaded)
    final = await storage.read(["a", "b"])
    assert (final["a"]["n"], final["b"]["n"]) == (1, 2)


async def test_delete(storage):
    await storage.write({"d1": {"n": 1}, "d2": {"n": 2}, "d3": {"n": 3}})
    await storage.delete(["d1", "unknown"])
    await storage.delete({"d2"})  # BotState.delete passes a set
    await storage.delete([])
    assert list(await storage.read(["d1", "d2", "d3"])) == ["d3"]


async def test_values_that_are_not_items_are_refused(storage):
    with pytest.raises(TypeError, match="dicts or objects"):
        await storage.write({"a": [1, 2]})


async def test_behaves_like_memory_storage(storage):
    """The same script on MemoryStorage and on SqliteStorage gives the same values."""
    results = []
    for s in (MemoryStorage(), storage):
        await s.write({"x": {"n": 1, "e_tag": "*"}, "y": StoreItem(n=1, e_tag="*")})
        loaded = await s.read(["x", "y"])
        loaded["x"]["n"] += 1
        loaded["y"].n += 1
        await s.write({"x": loaded["x"], "y": loaded["y"]})
        after = await s.read(["x", "y", "z"])
        await s.delete(["x"])
        results.append(
            (after["x"]["n"], after["y"].n, sorted(after), sorted(await s.read(["x", "y"])))
        )
    assert results[0] == results[1] == (2, 2, ["x", "y"], ["y"])


# --------------------------------------------------------------------------- bot state


def _adapter(logic) -> TestAdapter:
    return TestAdapter(logic)  # the same default conversation and user every time


async def test_conversation_and_user_state_survive_a_restart(open_store):
    async def remember(turn_context: TurnContext, storage: SqliteStorage, out: list) -> None:
        conversation_state = ConversationState(storage)
        user_state = UserState(storage)
        count = conversation_state.create_property("count")
        profile = user_state.create_property("profile")
        n = await count.get(turn_context, lambda: 0)
        p = await profile.get(turn_context, dict)
        out.append((n, copy.deepcopy(p)))
        await count.set(turn_context, n + 1)
        p.setdefault("roles", []).append(turn_context.activity.text)
        await conversation_state.save_changes(turn_context)
        await user_state.save_changes(turn_context)

    seen: list = []
    for text in ("controller", "auditor"):  # each turn on a freshly opened store (a restart)
        with open_store() as store:
            storage = SqliteStorage(store, Pool("store", 2))

            async def logic(tc: TurnContext, storage: SqliteStorage = storage) -> None:
                await remember(tc, storage, seen)

            await _adapter(logic).send(text)
    assert seen[0] == (0, {})
    assert seen[1][0] == 1
    assert seen[1][1]["roles"] == ["controller"]


async def test_a_waterfall_with_a_prompt_continues_after_a_restart(open_store):
    """Dialog state (DialogState, DialogInstance, PromptOptions with an Activity) is flattened
    and restored; each turn runs on a new store, storage, state and dialog set."""

    def bot() -> tuple[TestAdapter, Store]:
        store = open_store()
        conversation_state = ConversationState(SqliteStorage(store, Pool("store", 2)))
        dialogs = DialogSet(conversation_state.create_property("dialogs"))

        async def ask_name(step: WaterfallStepContext) -> DialogTurnStatus:
            assert isinstance(step.active_dialog.state["stepIndex"], int)
            return await step.prompt(
                TextPrompt.__name__,
                PromptOptions(prompt=MessageFactory.text("What is your name?")),
            )

        async def greet(step: WaterfallStepContext) -> DialogTurnStatus:
            await step.context.send_activity(f"Hello {step.result}")
            return await step.end_dialog()

        dialogs.add(WaterfallDialog("greet", [ask_name, greet]))
        dialogs.add(TextPrompt(TextPrompt.__name__))

        async def logic(turn_context: TurnContext) -> None:
            dialog_context = await dialogs.create_context(turn_context)
            result = await dialog_context.continue_dialog()
            if result.status == DialogTurnStatus.Empty:
                await dialog_context.begin_dialog("greet")
            await conversation_state.save_changes(turn_context)

        return _adapter(logic), store

    adapter, store = bot()
    await (await adapter.send("hi")).assert_reply("What is your name?")
    store.close()
    adapter, store = bot()  # a restart in the middle of the dialog
    await (await adapter.send("Ana")).assert_reply("Hello Ana")
    store.close()
    adapter, store = bot()
    await (await adapter.send("again")).assert_reply("What is your name?")
    store.close()


async def test_two_instances_saving_the_same_conversation_conflict(open_store):
    """Two bot instances load the same conversation state; the second save is refused instead
    of silently overwriting the first."""
    adapter = TestAdapter()
    activity = MessageFactory.text("x")
    activity.channel_id = "test"
    activity.conversation = adapter.template.conversation

    async def set_n(state: ConversationState, value: int) -> TurnContext:
        context = TurnContext(adapter, activity)
        await state.load(context)
        await state.create_property("n").set(context, value)
        return context

    with open_store() as one, open_store() as two:
        first, second = (
            ConversationState(SqliteStorage(one, Pool("store", 2))),
            ConversationState(SqliteStorage(two, Pool("store", 2))),
        )
        await first.save_changes(await set_n(first, 0))
        contexts = [await set_n(first, 1), await set_n(second, 2)]
        await first.save_changes(contexts[0])
        with pytest.raises(ConflictError):
            await second.save_changes(contexts[1])
        context = TurnContext(adapter, activity)
        await second.load(context)
        assert await second.create_property("n").get(context) == 1


async def test_dialog_state_with_a_stack_round_trips(storage):
    """A DialogState-like object inside a state dict comes back as the same class."""
    from botbuilder.dialogs import DialogInstance, DialogState

    state = DialogState([DialogInstance("main", {"stepIndex": 2, "values": {"a": [1]}})])
    await storage.write({"conv": {"dialogs": state}})
    back = (await storage.read(["conv"]))["conv"]["dialogs"]
    assert isinstance(back, DialogState)
    assert isinstance(back.dialog_stack[0], DialogInstance)
    assert back.dialog_stack[0].id == "main"
    assert back.dialog_stack[0].state == {"stepIndex": 2, "values": {"a": [1]}}


# --------------------------------------------------------------------------- change detection


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    async def write(self, changes):  # type: ignore[no-untyped-def]
        self.writes += 1
        await super().write(changes)


class Step:
    """An object kept in state (as dialogs keep DialogInstance): changed in place."""

    def __init__(self) -> None:
        self.values: dict = {}


async def test_state_is_saved_when_and_only_when_it_changed():
    """The app's states (ConversationSnapshots, UserSnapshots, PrivateSnapshots) write a turn's
    state when anything in it changed, however deep, and never when nothing did."""
    storage = CountingStorage()
    states = [
        ConversationSnapshots(storage),
        UserSnapshots(storage),
        PrivateSnapshots(storage),
    ]
    edits = {
        "first": lambda value: value.update(history=[{"who": "user"}], step=Step()),
        "nothing": lambda value: None,
        "read only": lambda value: [value["history"][0].get("who"), value["step"].values],
        "deep in a list": lambda value: value["history"][0].update(who="bot"),
        "object attribute": lambda value: value["step"].values.update(n=1),
        "the same value again": lambda value: value["step"].values.update(n=1),
        "a float": lambda value: value["step"].values.update(n=1.0),
    }
    written: dict[str, list[int]] = {}
    for name, edit in edits.items():

        async def logic(turn_context: TurnContext, edit=edit, name=name) -> None:
            counts = []
            for state in states:
                value = await state.create_property("value").get(turn_context, dict)
                edit(value)
                before = storage.writes
                await state.save_changes(turn_context)
                counts.append(storage.writes - before)
            written[name] = counts

        await _adapter(logic).send(name)
    assert written == {
        "first": [1, 1, 1],
        "nothing": [0, 0, 0],
        "read only": [0, 0, 0],
        "deep in a list": [1, 1, 1],
        "object attribute": [1, 1, 1],
        "the same value again": [0, 0, 0],
        "a float": [1, 1, 1],  # 1.0 is not 1: jsonpickle's text told them apart too
    }


def test_a_state_pickle_refuses_is_compared_the_stock_way():
    def numbers():
        yield 1

    state = {"gen": numbers(), "n": 1}
    assert Snapshot(state).compute_hash(state) == CachedBotState(state).compute_hash(state)
    snapshot = Snapshot(state)
    assert not snapshot.is_changed
    state["n"] = 2
    assert snapshot.is_changed


def test_stored_values_come_back_as_jsonpickle_restores_them():
    """``restore`` copies plain JSON itself and leaves tagged values (objects, tuples, sets,
    references, a key that looks like a tag) to jsonpickle: the same values either way."""
    dialog = DialogState([DialogInstance(id="main", state={"stepIndex": 1, "options": {}})])
    shared = {"n": 1}
    values = [
        {},
        {"memory": {"roles": ["controller"], "last": [], "fallbacks": 0}, "n": 1.5, "ok": None},
        {"history": [{"who": "user", "text": "hi", "time": "2026-11-24T10:00:00"}] * 3},
        {"dialogs": dialog, "memory": {"roles": ("a", "b"), "seen": {"x"}}},
        {"twice": [shared, shared]},
        {"user": {"py/object": "looks like a tag", "text": "typed"}},
        {"deep": [[[[{"a": [1, 2, {"b": True}]}]]]]},
    ]
    for value in values:
        stored, _ = flatten(value)
        expected = Unpickler(safe=True).restore({**stored, "e_tag": "7"}, reset=True)
        got = restore(stored, "7")
        assert Pickler().flatten(got) == Pickler().flatten(expected)
        assert got["e_tag"] == "7"
        if "memory" in got and isinstance(got["memory"], dict):
            got["memory"]["changed"] = True
            assert "changed" not in stored["memory"]  # a copy: the store's value is untouched
