"""Storage: one `Database` boundary, its migrations, and the queries every view shares."""

from fogwatch.store.database import Database, resolve_url

__all__ = ["Database", "resolve_url"]
