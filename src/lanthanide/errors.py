"""The one error hierarchy of lanthanide.

Front-ends map these to exit codes (CLI) or HTTP statuses (API) in one table each; no HTTP status
lives here, so the core stays free of transport concerns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a piece of input, located as precisely as the reader can."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | str | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        return f"{where}: {self.message}" if where else self.message


class LanthanideError(Exception):
    """Base class: everything the package raises on purpose."""


class InvalidInput(LanthanideError):
    """User input (a file, a flag, a request body) is malformed; `problems` lists every defect."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems: list[Problem] = list(problems or [])
        super().__init__(message)

    def __str__(self) -> str:
        base = super().__str__()
        if not self.problems:
            return base
        return base + "\n" + "\n".join(str(p) for p in self.problems)


class NotFound(LanthanideError):
    """What a request names (a run, a job, a result, data for a year) does not exist, or belongs
    to another tenant."""


class InvalidRule(LanthanideError):
    """A shipped or user rule document does not satisfy the rule schema."""


class DatasetIntegrityError(LanthanideError):
    """A dataset file does not match the sha256 recorded in its datapackage."""


class ConfigError(LanthanideError):
    """Settings are inconsistent or point at something unusable."""


class StoreBusy(ConfigError):
    """Another process holds the store (a writer excludes everyone else); try again later."""

    def __init__(self, path: str, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"held by process {pid}" if pid is not None else "held by another process"
        super().__init__(f"the store {path} is busy ({holder}); try again when it has finished")


class SimulationError(LanthanideError):
    """A simulation could not be run with the given scenario and parameters."""
