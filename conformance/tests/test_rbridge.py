"""R inside Python: array layout, conversion of R's results, R adapters and their failures."""

from __future__ import annotations

import numpy as np
import pytest
from lstmparity.conformance.impls import AdapterError, BadInput
from lstmparity.conformance.rbridge import RAdapter, RImpl, to_py
from lstmparity.conformance.runner import load_fixture, run_one

from .conftest import FIXTURES


def test_r_array_becomes_numpy_with_the_same_indexing(rsession):
    ro = rsession._ro
    r_array = ro.r("array(as.numeric(seq_len(2 * 3 * 4)), c(2, 3, 4))")  # T = 2, B = 3, H = 4
    a = to_py(r_array)
    assert a.shape == (2, 3, 4)
    at = ro.r("function(a, t, b, h) a[t, b, h]")
    for t, b, h in np.ndindex(2, 3, 4):
        assert a[t, b, h] == at(r_array, t + 1, b + 1, h + 1)[0]


def test_r_lists_become_dicts_and_lists(rsession):
    got = to_py(rsession._ro.r("list(forward = list(loss = 2.5, b = c(1, 2)), optimizer_steps = list(list(loss = 1)))"))
    assert got["forward"]["b"].tolist() == [1.0, 2.0]
    assert got["optimizer_steps"][0]["loss"].tolist() == [1.0]


def test_r_run_case_result_matches_numpy_shapes(rsession):
    fx = load_fixture(FIXTURES / "batch_all_dims_differ.json")  # T = 6, B = 3, D = 5, H = 4
    result = RImpl(rsession).run(fx.path, fx.case, 30)
    assert result["forward"]["h"].shape == (6, 3, 4)
    assert result["backward"]["dx"].shape == (6, 3, 5)
    assert np.allclose(result["forward"]["h"], fx.case["expected"]["forward"]["h"], rtol=1e-12, atol=0)


def _adapter(tmp_path, body: str, rsession) -> RAdapter:
    path = tmp_path / "adapter.R"
    path.write_text(body)
    return RAdapter(rsession, f"r:{path}")


def test_r_adapter_error_is_reported_against_it(tmp_path, rsession):
    impl = _adapter(tmp_path, 'lstmparity_adapter <- function(case) stop("not written yet")', rsession)
    out = run_one(impl, load_fixture(FIXTURES / "tiny_random.json"), 30)
    assert out.status == "error" and "not written yet" in out.message


def test_r_adapter_that_hangs_is_stopped_by_the_time_limit(tmp_path, rsession):
    impl = _adapter(tmp_path, "lstmparity_adapter <- function(case) repeat {}", rsession)
    out = run_one(impl, load_fixture(FIXTURES / "tiny_random.json"), 1.0)
    assert out.status == "error" and "timed out" in out.message
    fx = load_fixture(FIXTURES / "tiny_random.json")  # R still works afterwards
    assert run_one(RImpl(rsession), fx, 30).status == "agree"


def test_r_adapter_returning_nan_diverges(tmp_path, rsession):
    body = "lstmparity_adapter <- function(case) list(forward = list(i = array(NaN, c(3, 1, 3))))"
    out = run_one(_adapter(tmp_path, body, rsession), load_fixture(FIXTURES / "tiny_random.json"), 30)
    assert out.status == "diverge" and out.comparison.first.note == "NaN in the result"


def test_r_adapter_file_without_the_function_is_bad_input(tmp_path, rsession):
    with pytest.raises(BadInput, match="defines no function lstmparity_adapter"):
        _adapter(tmp_path, "x <- 1", rsession)


def test_r_error_while_reading_is_an_adapter_error(tmp_path, rsession):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(AdapterError, match="read_case"):
        rsession.case(bad)
