"""Waiting for a model that may still be loading, without blocking a trainer's click for long."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

T = TypeVar("T")
MODEL_WAIT_SECONDS = 3.0
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="assessor-trainer")


def call_with_timeout(fn: Callable[[], T], seconds: float = MODEL_WAIT_SECONDS) -> T:
    """`fn()` (e.g. a model that may still be loading), but give up waiting after `seconds` with TimeoutError;
    the call itself goes on in the pool and finishes the loading for the next click."""
    future = _pool.submit(fn)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout as error:
        raise TimeoutError from error
