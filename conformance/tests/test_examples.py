"""The example adapters of docs/conformance.md run and agree on what they provide."""

from __future__ import annotations

import pytest
from lstmparity.conformance.impls import make_impls
from lstmparity.conformance.runner import load_fixture, run_one

from .conftest import EXAMPLES, FIXTURES

FULL = ["tiny_random", "batch_all_dims_differ", "initial_state", "one_unit_worked_example", "square_b_h_d"]
FORWARD_ONLY = ["char_lm_many_to_many", "many_to_one_softmax_masked"]


SPECS = {"python": f"py:{EXAMPLES / 'adapter_example.py'}:adapter", "r": f"r:{EXAMPLES / 'adapter_example.R'}"}


@pytest.mark.parametrize("lang", ["python", "r"])
def test_example_adapter(lang: str, request: pytest.FixtureRequest) -> None:
    if lang == "r":
        request.getfixturevalue("rsession")  # skips without R
    [impl] = make_impls([SPECS[lang]])
    for name in FULL + FORWARD_ONLY:
        out = run_one(impl, load_fixture(FIXTURES / f"{name}.json"), 60)
        assert out.status == "agree", (name, out.message, out.comparison and out.comparison.first)
        provided_backward = "backward.dh" not in out.comparison.not_provided
        assert provided_backward == (name in FULL), name


def test_docs_show_the_examples_verbatim() -> None:
    doc = (EXAMPLES.parents[1] / "docs" / "conformance.md").read_text()
    for name in ("adapter_example.py", "adapter_example.R"):
        assert (EXAMPLES / name).read_text() in doc, f"docs/conformance.md does not show {name} as it is"
