"""One exception type per failure a user can cause; the CLI turns each into one line + exit code."""


class QAError(Exception):
    """Base class: anything the user can fix by changing input, files or configuration."""

    exit_code = 2


class CorpusError(QAError):
    """A corpus folder or file cannot be read (missing, empty, corrupt, not UTF-8)."""


class ConfigError(QAError):
    """A configuration value or command-line option is not acceptable."""


class QueryError(QAError):
    """A query is empty, too long, or asks for an unknown mode, document or filter."""


class IndexMissing(QAError):
    """No index exists where one was expected."""


class IndexStale(QAError):
    """The index on disk does not match the corpus, embedder or format this program expects."""


class EmbedderError(QAError):
    """An embedding backend cannot be loaded (unknown id, missing package, missing model)."""
