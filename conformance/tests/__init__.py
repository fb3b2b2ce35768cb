"""Tests of the conformance runner (collected by pytest through pyproject testpaths)."""
