"""Conversations kept in memory, bounded, and the one ask that reads and extends them."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from service import queries
from service.answering.answer import Answer
from service.answering.pipeline import answer_question, understand
from service.context import ServiceContext
from service.conversation.followup import Resolution, Topic, resolve, topic_of
from service.errors import NotFound, ServiceError

MAX_TURNS = 50


@dataclass
class Conversation:
    id: str
    topics: list[Topic] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def last(self) -> Topic | None:
        return self.topics[-1] if self.topics else None

    def add(self, topic: Topic) -> None:
        self.topics.append(topic)
        del self.topics[:-MAX_TURNS]


class Conversations:
    """The newest `limit` conversations, the least recently used dropped first."""

    def __init__(self, limit: int = 1000) -> None:
        self._limit = limit
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, conversation_id: str | None) -> Conversation:
        """The named conversation, or a new one when no id is given."""
        with self._lock:
            if conversation_id is None:
                conversation = Conversation(uuid.uuid4().hex)
                self._items[conversation.id] = conversation
                while len(self._items) > self._limit:
                    self._items.popitem(last=False)
                return conversation
            found = self._items.get(conversation_id)
            if found is None:
                raise NotFound(
                    f"no conversation '{conversation_id}' (they are kept in memory, "
                    f"the newest {self._limit}); start a new one without an id"
                )
            self._items.move_to_end(conversation_id)
            return found

    def __len__(self) -> int:
        return len(self._items)


def names_a_report(ctx: ServiceContext, text: str) -> bool:
    """The question names its own report or body, or compares several reports."""
    try:
        q = understand(ctx, text)
    except ServiceError:
        # Whatever fails to parse here fails again, with its proper error, when it is answered.
        return True
    return bool(q.report_ids) or q.intent in ("comparison", "ranking") or bool(q.out_of_scope)


def resolve_in(ctx: ServiceContext, previous: Topic | None, question: str) -> Resolution:
    return resolve(question, previous, lambda text: names_a_report(ctx, text))


def topic_after(ctx: ServiceContext, resolution: Resolution, answer: Answer) -> Topic:
    """The topic a follow-up to this answer is resolved against."""
    report_id = answer.report_id or (
        queries.get_report(ctx, resolution.report).id if resolution.report else None
    )
    report = next((r for r in ctx.reports() if r.id == report_id), None)
    return topic_of(
        resolution.text,
        report_id,
        report.publisher if report else None,
        report.year if report else None,
    )


def ask_after(
    ctx: ServiceContext,
    previous: Topic | None,
    question: str,
    report: str | None = None,
    top_k: int = 5,
) -> tuple[Resolution, Answer, Topic]:
    """One question after `previous`: resolved, answered, and the topic it leaves.

    An explicit `report` wins over the one a follow-up inherits.
    """
    resolution = resolve_in(ctx, previous, question)
    answer = answer_question(ctx, resolution.text, report=report or resolution.report, top_k=top_k)
    return resolution, answer, topic_after(ctx, resolution, answer)


def replay(ctx: ServiceContext, questions: list[str]) -> Topic | None:
    """The topic after a history of questions, without answering them again (a chat client
    sends the whole history each time); each one's report is the one its text names."""
    topic: Topic | None = None
    for text in questions:
        resolution = resolve_in(ctx, topic, text)
        try:
            q = understand(ctx, resolution.text, resolution.report)
        except ServiceError:
            continue
        report_id = resolution.report or (q.report_ids[0] if len(q.report_ids) == 1 else None)
        report = next((r for r in ctx.reports() if r.id == report_id), None)
        topic = topic_of(
            resolution.text,
            report_id,
            report.publisher if report else None,
            report.year if report else None,
        )
    return topic


class TopicCache:
    """Topics by a key of the history that led to them, the newest `limit` kept."""

    def __init__(self, limit: int = 1000) -> None:
        self._limit = limit
        self._items: OrderedDict[str, Topic] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Topic | None:
        with self._lock:
            topic = self._items.get(key)
            if topic is not None:
                self._items.move_to_end(key)
            return topic

    def put(self, key: str, topic: Topic) -> None:
        with self._lock:
            self._items[key] = topic
            self._items.move_to_end(key)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
