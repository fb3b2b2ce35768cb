"""spec/tensors.json is the one source of names, shapes and trace order; what is generated from it is current."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from lstmparity.core import spec
from lstmparity.core.trace import trace_order
from lstmparity.suite import generate
from lstmparity.suite.fixtures import schema, shapes


def test_generated_files_are_current():
    """Package copies of the spec, the schema's expected/layer_inputs, the docs tables: `make generate`."""
    assert generate.stale(ROOT) == []


def test_a_stale_generated_file_is_detected(tmp_path):
    """The staleness check can fail: copy the inputs, change the spec's meaning of do, and see the copies go stale."""
    for rel in ("spec/tensors.json", "spec/README.md", "fixtures/README.md", generate.SCHEMA):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text((ROOT / rel).read_text())
    for rel, text in generate.generated_files(tmp_path).items():  # a current tree ...
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "fixtures" / "x.json").write_text((ROOT / "fixtures" / "tiny_random.json").read_text())
    source = tmp_path / "spec" / "tensors.json"
    source.write_text(source.read_text().replace("gradient of the output gate's", "gradient of the o gate's"))
    assert set(generate.stale(tmp_path)) >= {"python/lstmparity/core/tensors.json", "inst/spec/tensors.json",
                                             "fixtures/README.md"}


def test_package_copy_is_the_spec():
    assert json.loads((ROOT / "spec" / "tensors.json").read_text()) == spec.spec()


def test_rows_are_well_formed():
    s = spec.spec()
    columns = set(s["columns"])
    positions = {}
    for r in s["tensors"]:
        assert set(r) == columns, r["name"]
        assert r["phase"] in s["phases"]
        assert all(d in s["dims"] for d in r["dims"]), r
        assert r["cell"] == "any" or r["cell"] in s["cells"]
        assert r["heads"] is None or set(r["heads"]) <= set(s["heads"])
        assert not r["per_step"] or r["dims"][0] == "T"
        if r["trace"] is not None:  # one name per position (rows of one name under other heads share it)
            assert positions.setdefault(r["trace"], (r["phase"], r["name"])) == (r["phase"], r["name"])
    assert sorted(positions) == list(range(1, len(positions) + 1))


def test_trace_order_is_the_documented_one():
    assert spec.trace_blocks("lstm") == [
        spec.Block("forward", True, ("x", "i", "f", "g", "o", "c", "h")),
        spec.Block("forward", False, ("logits", "loss")),
        spec.Block("backward", False, ("dlogits",)),
        spec.Block("backward", True, ("dh", "do", "dc", "di", "df", "dg", "dx")),
        spec.Block("backward", False, ("dh0", "dc0")),
        spec.Block("grads", False, ("dWy", "dby", "dW", "dU", "db", "dE")),
        spec.Block("optimizer", False, ("loss", "E", "W", "U", "b", "Wy", "by")),
    ]
    gru = spec.trace_blocks("gru")
    assert [b.names for b in gru if b.per_step] == [("x", "r", "z", "n", "h"), ("dh", "dn", "dz", "dr", "dx")]
    assert gru[4:] == [spec.Block("backward", False, ("dh0",)),
                       spec.Block("grads", False, ("dWy", "dby", "dW", "dU", "db", "db_hn", "dE")),
                       spec.Block("optimizer", False, ("loss", "E", "W", "U", "b", "b_hn", "Wy", "by"))]
    rnn = spec.trace_blocks("rnn")
    assert [b.names for b in rnn if b.per_step] == [("x", "g", "h"), ("dh", "dg", "dx")]
    assert spec.param_order() == ("E", "W", "U", "b", "b_hn", "Wy", "by")


def test_the_order_of_every_cell_together_is_each_cells_order():
    """trace_blocks() (what the runner and the readers use) holds every cell's tensors; a case holds only its
    cell's, and in that order they are the cell's own order."""
    every = spec.trace_blocks()
    for cell in spec.spec()["cells"]:
        mine = spec.trace_blocks(cell)
        assert [(b.phase, b.per_step) for b in every] == [(b.phase, b.per_step) for b in mine]
        for a, b in zip(every, mine, strict=True):
            assert tuple(n for n in a.names if n in b.names) == b.names


def test_every_committed_case_holds_exactly_the_tensors_the_spec_gives(case):
    """The expected tensors of a case are exactly the spec's rows that apply to its config, in their shapes."""
    expect = shapes(case["config"])
    held = {f"expected.{p}.{n}" for p in ("forward", "backward", "grads") for n in case["expected"][p]}
    assert held == {k for k in expect if k.startswith("expected.")}
    assert set(case["layer_inputs"]) == {"x", "dh_head"}
    order = trace_order(case["expected"])
    T = case["config"]["T"]
    per_step = sum(1 for e in order if e.step is not None and e.phase != "optimizer")
    cell = case["config"].get("cell", "lstm")
    assert per_step == T * (len(spec.per_step_names("forward", cell)) - (case["config"]["V"] is None) +
                            len(spec.per_step_names("backward", cell)))


@pytest.mark.parametrize("phase", ["forward", "backward", "grads"])
def test_schema_expected_is_closed_and_names_every_tensor(phase):
    part = schema()["properties"]["expected"]["properties"][phase]
    assert part["additionalProperties"] is False
    assert set(part["properties"]) == {r["name"] for r in spec.rows(phase)}
