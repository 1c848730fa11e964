"""Errors the core raises. The CLI maps each to one clear line and exit code 1."""


class CodemillError(Exception):
    """Base of every expected failure: the message is shown to the user as is."""


class ConfigurationError(CodemillError):
    """A setting is missing, inconsistent or invalid."""


class InvalidKeyError(CodemillError, ValueError):
    """A storage key is malformed or tries to escape the store's root."""


class StorageError(CodemillError):
    """The storage backend failed to do what was asked."""


class ArtifactNotFoundError(StorageError, KeyError):
    """No object exists under the key."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "artifact not found"


class StorageUnavailableError(StorageError):
    """The backend cannot be reached (network, endpoint, server down)."""


class StorageAccessDeniedError(StorageError):
    """The backend refused the credentials or the operation."""


class IntegrityError(CodemillError):
    """Stored data does not match what its manifest promises."""


class InputError(CodemillError):
    """A user-supplied input (file, source, dataset) cannot be used."""


class StepStoppedError(CodemillError):
    """A pipeline step stopped before it finished (interrupted, diverged, failed its checks)."""


def first_line(exc: BaseException) -> str:
    """The first non-blank line of an exception's message (its type name when there is none)."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
