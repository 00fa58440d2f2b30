"""One exception type per failure a user can cause; the CLI turns each into one line + exit code."""

from pathlib import Path


class QAError(Exception):
    """Base class: anything the user can fix by changing input, files or configuration."""

    exit_code = 2


class CorpusError(QAError):
    """A corpus folder or file cannot be read (missing, empty, corrupt, not UTF-8)."""

    path: Path | None = None  # the file at fault, set by `iter_corpus`; None for the folder


class ConfigError(QAError):
    """A configuration value or command-line option is not acceptable."""


class QueryError(QAError):
    """A query is empty, too long, or asks for an unknown mode, document or filter."""


class IndexMissing(QAError):
    """No index exists where one was expected."""


class IndexStale(QAError):
    """The index on disk does not match the corpus, embedder or format this program expects."""


class UnsafeIndexFolder(QAError):
    """`--index` names a folder a build must not replace (a user's files, or the corpus)."""


class IndexBusy(QAError):
    """Another build holds the lock of the index folder."""


class EmbedderError(QAError):
    """An embedding backend cannot be loaded (unknown id, missing package, missing model)."""


class BackendError(QAError):
    """The search backend an index names cannot be reached or refuses the index's data
    (a Milvus server down, a bad URI)."""
