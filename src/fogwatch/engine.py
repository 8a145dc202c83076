"""Where extraction runs: a setting shared by the CLI, ingest and the pipeline, kept apart from
them so that choosing an engine imports nothing heavy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Engine:
    """`dask` (a scheduler address) wins over `workers` (a local Dask cluster of that many
    single-threaded worker processes, started for the run), which wins over `processes` (a pool of
    forked processes); one process extracts in the caller."""

    model: str | None = None
    processes: int = 1
    workers: int = 0
    dask: str | None = None

    @property
    def parallelism(self) -> int:
        return max(self.workers, self.processes, 1)
