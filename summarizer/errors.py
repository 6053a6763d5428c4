"""Errors the library raises on purpose; every interface maps them to a clear message."""


class NewsumError(Exception):
    """Base class: a problem we can explain to the user in one line."""

    code = "error"


class InputError(NewsumError):
    """The input cannot be briefed: empty, binary, undecodable, too large, not an article."""

    code = "bad_input"


class InputTooLarge(InputError):
    code = "input_too_large"

    def __init__(self, size: int, limit: int, unit: str = "characters"):
        self.size, self.limit = size, limit
        super().__init__(f"input is {size:,} {unit}; the limit is {limit:,} {unit}")


class ModelUnavailable(NewsumError):
    """An explicitly requested backend or model cannot be loaded."""

    code = "model_unavailable"


class FetchError(InputError):
    """A URL could not be fetched or is not allowed."""

    code = "fetch_failed"


class DeadlineExceeded(NewsumError):
    """The caller's deadline passed (or it stopped waiting); the work was abandoned."""

    code = "timeout"

    def __init__(self, stage: str = "work"):
        self.stage = stage
        super().__init__(f"deadline passed before {stage}; the work was stopped")
