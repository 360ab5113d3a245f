"""Long computations as jobs: each runs in its own process, reports progress, can be cancelled.

A job is a child process (spawned, so it shares no locks or threads with the server) that runs
one service function and sends `("progress", done, total)` messages and finally `("done", result)`
or `("failed", error)` through a queue. Cancelling terminates the process: a run stops at once,
not at the next chunk. At most `workers` jobs run at a time; the rest wait in order. With a Dask
scheduler address, the child process sends its chunks to that cluster.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from lanthanide.errors import InvalidInput, LanthanideError, NotFound, Problem

#: random bits in a job id
ID_BYTES = 16
#: how often the monitor looks at a child's queue, seconds
POLL_S = 0.05


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class JobStatus(BaseModel):
    """What a client polls: state, progress (runs done of total), and the error if it failed."""

    id: str
    kind: str
    state: JobState
    done: int
    total: int
    created: float
    finished: float | None = None
    error: dict[str, Any] | None = None


@dataclass
class _Job:
    id: str
    kind: str
    tenant: str
    total: int
    target: Callable[..., Any]
    args: tuple[Any, ...]
    state: JobState = JobState.QUEUED
    done: int = 0
    created: float = field(default_factory=time.time)
    finished: float | None = None
    result: Any = None
    error: dict[str, Any] | None = None
    process: Any = None

    def status(self) -> JobStatus:
        return JobStatus(
            id=self.id,
            kind=self.kind,
            state=self.state,
            done=self.done,
            total=self.total,
            created=self.created,
            finished=self.finished,
            error=self.error,
        )


def _child(target: Callable[..., Any], args: tuple[Any, ...], out: Any) -> None:
    """Run in the child process: the service call, with progress and outcome sent to `out`."""
    try:
        result = target(*args, progress=lambda done, total: out.put(("progress", done, total)))
        out.put(("done", result))
    except LanthanideError as error:
        problems = getattr(error, "problems", [])
        out.put(
            (
                "failed",
                {
                    "error": type(error).__name__,
                    "message": str(error.args[0]),
                    "problems": [p.__dict__ for p in problems],
                },
            )
        )
    except Exception as error:  # the parent must learn of any failure
        out.put(("failed", {"error": "InternalError", "message": repr(error), "problems": []}))


class JobRunner:
    """Jobs of all tenants; a tenant sees only its own (others' ids answer NotFound)."""

    def __init__(self, workers: int = 1, history: int = 200) -> None:
        self.workers = workers
        self.history = history
        self._jobs: OrderedDict[str, _Job] = OrderedDict()
        self._lock = threading.Lock()
        self._context = mp.get_context("spawn")

    def submit(
        self, tenant: str, kind: str, target: Callable[..., Any], args: tuple[Any, ...], total: int
    ) -> JobStatus:
        """Queue `target(*args, progress=...)`; it starts as soon as a worker slot is free."""
        job = _Job(secrets.token_urlsafe(ID_BYTES), kind, tenant, total, target, args)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._start_waiting()
        return job.status()

    def status(self, tenant: str, job_id: str) -> JobStatus:
        """A job's state and progress."""
        return self._get(tenant, job_id).status()

    def result(self, tenant: str, job_id: str) -> Any:
        """A finished job's result; InvalidInput while it is not done."""
        job = self._get(tenant, job_id)
        if job.state is not JobState.DONE:
            raise JobNotDone(
                f"job {job_id} is {job.state.value}, not done",
                [Problem(f"state {job.state.value}", column="id")],
            )
        return job.result

    def cancel(self, tenant: str, job_id: str) -> JobStatus:
        """Stop a queued or running job now; a finished job stays as it was."""
        job = self._get(tenant, job_id)
        with self._lock:
            if job.state in FINISHED:
                return job.status()
            process, job.state, job.finished = job.process, JobState.CANCELLED, time.time()
        if process is not None:
            process.terminate()
            process.join(timeout=10)
        self._start_waiting()
        return job.status()

    def list(self, tenant: str) -> list[JobStatus]:
        """This tenant's jobs, oldest first."""
        with self._lock:
            return [j.status() for j in self._jobs.values() if j.tenant == tenant]

    def shutdown(self) -> None:
        """Terminate every running job (the server is stopping)."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.state is JobState.RUNNING]
            for job in running:
                job.state, job.finished = JobState.CANCELLED, time.time()
        for job in running:
            with contextlib.suppress(Exception):
                job.process.terminate()
                job.process.join(timeout=10)

    # -- internals ---------------------------------------------------------------------------
    def _get(self, tenant: str, job_id: str) -> _Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.tenant != tenant:
            raise NotFound(f"no job {job_id!r}")
        return job

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.state in FINISHED]
        for job_id in finished[: max(0, len(self._jobs) - self.history)]:
            del self._jobs[job_id]

    def _start_waiting(self) -> None:
        with self._lock:
            running = sum(j.state is JobState.RUNNING for j in self._jobs.values())
            waiting = [j for j in self._jobs.values() if j.state is JobState.QUEUED]
            starting = waiting[: max(0, self.workers - running)]
            for job in starting:
                job.state = JobState.RUNNING
        for job in starting:
            self._launch(job)

    def _launch(self, job: _Job) -> None:
        out = self._context.Queue()
        process = self._context.Process(
            target=_child, args=(job.target, job.args, out), daemon=True
        )
        process.start()
        with self._lock:
            job.process = process
        threading.Thread(target=self._monitor, args=(job, out), daemon=True).start()

    def _monitor(self, job: _Job, out: Any) -> None:
        while True:
            try:
                message = out.get(timeout=POLL_S)
            except queue.Empty:
                if job.state is JobState.CANCELLED:
                    break
                if not job.process.is_alive() and out.empty():
                    self._finish(
                        job,
                        JobState.FAILED,
                        error={
                            "error": "InternalError",
                            "message": f"job process exited with {job.process.exitcode}",
                            "problems": [],
                        },
                    )
                    break
                continue
            if message[0] == "progress":
                job.done = int(message[1])
            elif message[0] == "done":
                self._finish(job, JobState.DONE, result=message[1])
                break
            else:
                self._finish(job, JobState.FAILED, error=message[1])
                break
        job.process.join(timeout=10)
        out.close()
        self._start_waiting()

    def _finish(
        self, job: _Job, state: JobState, result: Any = None, error: dict[str, Any] | None = None
    ) -> None:
        with self._lock:
            if job.state is JobState.CANCELLED:
                return
            job.state, job.result, job.error, job.finished = state, result, error, time.time()
            if state is JobState.DONE:
                job.done = job.total


class JobNotDone(InvalidInput):
    """A job's result was asked for before it finished (HTTP 409)."""
