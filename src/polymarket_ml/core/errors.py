"""The one exception tree of polymarket-ml.

Every error we raise on purpose derives from :class:`PmmlError`. Third-party errors are
translated at the boundary that meets them (``raise ConfigError(...) from exc``), so callers
catch our types only. Each class says what the system does about it.
"""


class PmmlError(Exception):
    """Root of every error polymarket-ml raises on purpose."""


class ConfigError(PmmlError):
    """Settings or ``executor_config.yaml`` are invalid.

    Raised at start-up, before any work begins. The CLI prints the message (which names the
    setting, the value and what is allowed) and exits with status 2; nothing is retried.
    """


class StorageError(PmmlError):
    """The database refused or failed an operation.

    Tasks record it in ``task_runs`` and the next scheduled run tries again; buffered rows stay
    in memory until a write succeeds.
    """


class DatabaseNotReadyError(StorageError):
    """The database exists but its schema is missing or older than the code.

    The fix is ``pmml db upgrade``; entry points stop with that advice.
    """


class SourceError(PmmlError):
    """Talking to the exchange (or the simulator) failed.

    Transient cases are retried with backoff by the HTTP layer; what reaches callers has
    exhausted its retries or was not retryable.
    """


class DataError(PmmlError):
    """A payload from the exchange could not be parsed into domain types.

    Streams log the raw payload, count it and go on; one bad frame never stops collection.
    """


class NotFoundError(PmmlError):
    """Something asked for by name does not exist (a table, a column, a market).

    Nothing is retried: the API answers 404 with the message, the CLI prints it.
    """


class InvalidInputError(PmmlError):
    """A request is well-formed but asks for something not allowed (an unknown sort column).

    Nothing is retried: the API answers 422 with the message, the CLI prints it.
    """


class ConflictError(PmmlError):
    """A request cannot be done in the current state of the system (the executor it would
    change does not run in this process).

    Nothing is retried: the API answers 409 with the message, which says what to do instead.
    """
