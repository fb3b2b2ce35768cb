"""The two kinds of failure the runner tells apart."""


class BadInput(Exception):
    """Unusable input (fixture folder, adapter file, declaration, missing R): exit status 2."""


class AdapterError(Exception):
    """An implementation failed on one case: it raised, crashed, hung or returned something unusable."""
