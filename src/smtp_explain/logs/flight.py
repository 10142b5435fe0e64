"""Queue ids in flight: per-id state with a cap, oldest dropped first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

State = TypeVar("State")


class InFlight(Generic[State]):
    """A dict of queue id -> state holding at most ``cap`` ids.

    A log window may hold ids whose end is never seen; when the cap is reached
    the id seen first is forgotten (its events were already emitted; only
    context for later lines is lost).
    """

    __slots__ = ("_cap", "_make", "_states", "evicted")

    def __init__(self, make: Callable[[str], State], cap: int) -> None:
        self._make = make
        self._cap = max(1, cap)
        self._states: dict[str, State] = {}
        self.evicted = 0

    def get(self, key: str) -> State:
        state = self._states.get(key)
        if state is None:
            if len(self._states) >= self._cap:
                del self._states[next(iter(self._states))]
                self.evicted += 1
            state = self._states[key] = self._make(key)
        return state

    def peek(self, key: str) -> State | None:
        return self._states.get(key)

    def drop(self, key: str) -> None:
        self._states.pop(key, None)

    def __len__(self) -> int:
        return len(self._states)
