"""The two kinds of failure the runner tells apart, and how long a message about one may be."""


class BadInput(Exception):
    """Unusable input (fixture folder, adapter file, declaration, missing R): exit status 2."""


class AdapterError(Exception):
    """An implementation failed on one case: it raised, crashed, hung or returned something unusable."""


MAX_MESSAGE = 4000  # characters of an error message sent back (a 10 KB message is cut, with a note)


def clip_text(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, cut to ``limit`` characters with a note saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f" ... ({len(text) - limit} more characters cut)"
