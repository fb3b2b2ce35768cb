"""Write the corpus of broken fixtures (tests/broken/*.json) and its manifest.

    .venv/bin/python tests/broken/make_broken.py          # rewrite the corpus
    .venv/bin/python tests/broken/make_broken.py --check  # exit 1 if it is stale

Every broken file is a valid committed fixture with one thing wrong. The manifest
``expected_errors.json`` lists, for each file, what is broken and what a reader
must say about it; both languages' tests read it:

* ``field``  - the JSON path the message must name (``null`` for files that are
  not JSON at all: then the message must say so);
* ``expect`` - what was expected, as literal strings: the message must contain
  at least one of them (case-insensitive), e.g. the expected shape written the
  Python way ``(5, 16)`` or the R way ``5 x 16``.

Everything is derived deterministically from the committed fixtures, so running
the script twice gives the same bytes. The 50 MB case is not committed: see
:func:`write_big_case` (used by the tests and by measure.py).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "python"))

from lstmparity.core import jsonio  # noqa: E402

MANIFEST = "expected_errors.json"
SENTINEL = 1234567.8901234567  # replaced in the text by a token JSON cannot hold (NaN, 1e999)


def base(name: str, keep_expected: bool = False) -> dict:
    """A committed fixture; without ``expected`` unless asked (keeps the corpus small)."""
    case = json.loads((ROOT / "fixtures" / f"{name}.json").read_text("utf-8"))
    if not keep_expected:
        case.pop("expected", None)
    return case


NONE = "batch_all_dims_differ"  # T 6, B 3, D 5, H 4, head none: every dimension differs
SOFTMAX = "many_to_one_softmax_masked"  # T 5, B 3, D 4, H 2, K 3, mask, class targets
EMBED = "many_to_one_binary_masked_embedding"  # T 6, B 4, D 3, H 5, V 7, sigmoid head
OPTIM = "sgd_clip_norm"  # T 4, B 2, D 3, H 2, sgd + clip max_norm, optimizer_steps


def dims(*shape: int) -> list[str]:
    """The expected shape as each language writes it: '(3, 16)' / '3 x 16', '(16,)' / 'length 16'."""
    py = f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    r = f"length {shape[0]}" if len(shape) == 1 else " x ".join(map(str, shape))
    return [py, r]


def get(case: dict, path: str) -> Any:
    v: Any = case
    for part in path.split("."):
        v = v[int(part)] if isinstance(v, list) else v[part]
    return v


def put(case: dict, path: str, value: Any) -> None:
    *head, last = path.split(".")
    holder = get(case, ".".join(head)) if head else case
    holder[int(last) if isinstance(holder, list) else last] = value


def drop(case: dict, path: str) -> None:
    *head, last = path.split(".")
    del (get(case, ".".join(head)) if head else case)[last]


CORPUS: list[dict] = []


def broken(file: str, what: str, field: str | None, expect: list[str], *, base_name: str = NONE,
           keep_expected: bool = False, edit: Callable[[dict], Any] | None = None,
           token: str | None = None, text: Callable[[str], str] | None = None, keyword: str | None = None) -> None:
    """Register one broken file: ``edit`` the case, then optionally put ``token`` where
    the edit left SENTINEL, then optionally rewrite the whole ``text``. ``keyword``: the
    schema keyword that refuses it (every keyword the schema uses has at least one file)."""
    CORPUS.append(dict(file=file, what=what, field=field, expect=expect, base=base_name,
                       keep_expected=keep_expected, edit=edit, token=token, text=text, keyword=keyword))


def render(spec: dict) -> bytes:
    case = base(spec["base"], spec["keep_expected"])
    if spec["edit"]:
        spec["edit"](case)
    out = jsonio.dumps(case)
    if spec["token"] is not None:
        assert out.count(repr(SENTINEL)) == 1, spec["file"]
        out = out.replace(repr(SENTINEL), spec["token"])
    if spec["text"]:
        out = spec["text"](out)
    return out.encode("utf-8") if isinstance(out, str) else out


# --- not JSON at all ------------------------------------------------------------
JSON_ERR = ["JSON"]
broken("truncated_half.json", "the file cut in half (an interrupted copy)", None, JSON_ERR,
       keep_expected=True, text=lambda s: s[: len(s) // 2])
broken("truncated_in_number.json", "cut inside a number: ends with '0.'", None, JSON_ERR,
       text=lambda s: s[: s.index("0.", len(s) // 3) + 2])
broken("empty_file.json", "a file of 0 bytes", None, ["JSON", "empty"], text=lambda s: "")
broken("not_json.json", "plain text", None, JSON_ERR, text=lambda s: "this is not a fixture\n")
broken("trailing_garbage.json", "a valid case followed by a second '}'", None, JSON_ERR,
       text=lambda s: s + "}\n")
broken("deeply_nested.json", "params.W is a list nested 20,000 levels deep", None,
       ["JSON", "nest", "deep", "ragged"],
       edit=lambda c: put(c, "params.W", SENTINEL), token="[" * 20000 + "]" * 20000)
broken("top_level_array.json", "the top level is a list, not an object", "(top level)", ["object"],
       text=lambda s: "[1, 2, 3]\n")

# --- wrong types ------------------------------------------------------------------
broken("config_H_string.json", 'config.H is the string "4"', "config.H", ["integer"],
       edit=lambda c: put(c, "config.H", "4"), keyword="$ref")
broken("config_head_number.json", "config.head is the number 3", "config.head", ["one of"],
       edit=lambda c: put(c, "config.head", 3), keyword="enum")
broken("name_number.json", "name is a number", "name", ["string"], edit=lambda c: put(c, "name", 5), keyword="type")
broken("tolerance_rtol_string.json", 'tolerance.rtol is the string "1e-12"', "tolerance.rtol", ["number"],
       edit=lambda c: put(c, "tolerance.rtol", "1e-12"))
broken("params_not_object.json", "params is a list", "params", ["object", "required"],
       edit=lambda c: put(c, "params", []))
broken("W_string_element.json", 'params.W[0][1] is the string "0.5"', "params.W", ["number", "numeric"],
       edit=lambda c: put(c, "params.W.0.1", "0.5"), keyword="items")
broken("b_object.json", "params.b is an object", "params.b", ["array", "vector"],
       edit=lambda c: put(c, "params.b", {"0": 1.0}))
broken("U_null_element.json", "params.U[1][2] is null", "params.U", ["number", "finite"],
       edit=lambda c: put(c, "params.U.1.2", None))
broken("mask_boolean.json", "inputs.mask[0][0] is true", "inputs.mask", ["number", "numeric"],
       base_name=SOFTMAX, edit=lambda c: put(c, "inputs.mask.0.0", True))
broken("x_flat.json", "inputs.x is a flat list of T*B*D numbers", "inputs.x", ["array"],
       edit=lambda c: put(c, "inputs.x", [v for m in c["inputs"]["x"] for r in m for v in r]))

# --- missing fields ------------------------------------------------------------------
broken("missing_config.json", "no config", "config", ["required"], edit=lambda c: drop(c, "config"))
broken("missing_config_K.json", "config without K", "config.K", ["required"], edit=lambda c: drop(c, "config.K"))
broken("missing_W.json", "params without W", "params.W", ["required"], edit=lambda c: drop(c, "params.W"),
       keyword="required")
broken("missing_x.json", "inputs without x (config has no V)", "inputs.x", ["required"],
       edit=lambda c: drop(c, "inputs.x"))
broken("missing_tokens.json", "inputs without tokens (config has V)", "inputs.tokens", ["required"],
       base_name=EMBED, edit=lambda c: drop(c, "inputs.tokens"))
broken("missing_expected_grads.json", "expected without grads", "expected.grads", ["required"],
       keep_expected=True, edit=lambda c: drop(c, "expected.grads"))

# --- ragged arrays -----------------------------------------------------------------------
broken("ragged_x.json", "inputs.x[2][1] has D-1 numbers", "inputs.x", ["ragged"],
       edit=lambda c: c["inputs"]["x"][2][1].pop())
broken("ragged_W.json", "params.W[1] has 4H-1 numbers", "params.W", ["ragged"],
       edit=lambda c: c["params"]["W"][1].pop())
broken("ragged_expected_h.json", "expected.forward.h[5][2] has H-1 numbers", "expected.forward.h", ["ragged"],
       keep_expected=True, edit=lambda c: c["expected"]["forward"]["h"][5][2].pop())

# --- shapes that disagree with the config (T 6, B 3, D 5, H 4) ---------------------------
broken("W_missing_column.json", "params.W is (D, 4H-1)", "params.W", dims(5, 16),
       edit=lambda c: [r.pop() for r in c["params"]["W"]])
broken("W_transposed.json", "params.W is (4H, D)", "params.W", dims(5, 16),
       edit=lambda c: put(c, "params.W", [list(r) for r in zip(*c["params"]["W"], strict=True)]))
broken("b_too_long.json", "params.b has 4H+1 numbers", "params.b", dims(16),
       edit=lambda c: c["params"]["b"].append(0.0))
broken("config_T_too_large.json", "config.T is 7, the arrays have 6 steps", "inputs.x", dims(7, 3, 5),
       edit=lambda c: put(c, "config.T", 7))
broken("config_H_changed.json", "config.H is 5, the arrays are for 4", "params.W", dims(5, 20),
       edit=lambda c: put(c, "config.H", 5))
broken("h0_transposed.json", "inputs.h0 is (H, B) instead of (B, H)", "inputs.h0", dims(3, 4),
       edit=lambda c: put(c, "inputs.h0", [[0.0] * 3 for _ in range(4)]))
broken("proj_wrong_H.json", "inputs.proj is (T, B, H-1)", "inputs.proj", dims(6, 3, 4),
       edit=lambda c: [r.pop() for m in c["inputs"]["proj"] for r in m])
broken("targets_too_long.json", "inputs.targets has B+1 entries", "inputs.targets", dims(3),
       base_name=SOFTMAX, edit=lambda c: c["inputs"]["targets"].append(0))
broken("expected_dx_wrong_shape.json", "expected.backward.dx lacks its last step", "expected.backward.dx",
       dims(6, 3, 5), keep_expected=True, edit=lambda c: c["expected"]["backward"]["dx"].pop())
broken("optimizer_step_W_wrong_shape.json", "expected.optimizer_steps[1].params.W lacks a row",
       "expected.optimizer_steps.1.params.W", dims(3, 8), base_name=OPTIM, keep_expected=True,
       edit=lambda c: c["expected"]["optimizer_steps"][1]["params"]["W"].pop())

# --- an empty sequence ------------------------------------------------------------------------
def _empty_sequence(c: dict) -> None:
    c["config"]["T"] = 0
    c["inputs"]["x"], c["inputs"]["proj"] = [], []


broken("empty_sequence_T0.json", "config.T is 0 and x, proj are empty lists", "config.T",
       ["minimum of 1", ">= 1"], edit=_empty_sequence)
broken("empty_x.json", "inputs.x is [] while config.T is 6", "inputs.x", dims(6, 3, 5),
       edit=lambda c: put(c, "inputs.x", []))

# --- NaN / Inf: bare tokens (not JSON) and literals too large for a double -------------
FINITE = ["finite"]
broken("nan_token_W.json", "params.W[0][0] is the bare token NaN", "params.W", FINITE,
       edit=lambda c: put(c, "params.W.0.0", SENTINEL), token="NaN")
broken("infinity_token_x.json", "inputs.x[3][1][2] is the bare token Infinity", "inputs.x", FINITE,
       edit=lambda c: put(c, "inputs.x.3.1.2", SENTINEL), token="Infinity")
broken("neg_infinity_token_proj.json", "inputs.proj[5][2][3] is -Infinity", "inputs.proj", FINITE,
       edit=lambda c: put(c, "inputs.proj.5.2.3", SENTINEL), token="-Infinity")
broken("nan_token_tolerance.json", "tolerance.atol is NaN", "tolerance.atol", FINITE,
       edit=lambda c: put(c, "tolerance.atol", SENTINEL), token="NaN")
broken("huge_literal_W.json", "params.W[2][7] is 1e999 (reads as +Inf)", "params.W", FINITE,
       edit=lambda c: put(c, "params.W.2.7", SENTINEL), token="1e999")
broken("huge_negative_literal_x.json", "inputs.x[0][0][0] is -1e999", "inputs.x", FINITE,
       edit=lambda c: put(c, "inputs.x.0.0.0", SENTINEL), token="-1e999")
broken("huge_literal_rtol.json", "tolerance.rtol is 1e999: every comparison would pass", "tolerance.rtol",
       FINITE, edit=lambda c: put(c, "tolerance.rtol", SENTINEL), token="1e999")
broken("huge_literal_loss.json", "expected.forward.loss is 1e999", "expected.forward.loss", FINITE,
       keep_expected=True, edit=lambda c: put(c, "expected.forward.loss", SENTINEL), token="1e999")
broken("huge_literal_lr.json", "optimizer.lr is 1e999", "optimizer.lr", FINITE,
       base_name=OPTIM, edit=lambda c: put(c, "optimizer.lr", SENTINEL), token="1e999")
broken("huge_literal_max_norm.json", "clip.max_norm is 1e999", "clip.max_norm", FINITE,
       base_name=OPTIM, edit=lambda c: put(c, "clip.max_norm", SENTINEL), token="1e999")
broken("huge_literal_config_T.json", "config.T is 1e999", "config.T", ["integer", "finite"],
       edit=lambda c: put(c, "config.T", SENTINEL), token="1e999")
broken("huge_literal_optimizer_loss.json", "expected.optimizer_steps[0].loss is -1e999",
       "expected.optimizer_steps.0.loss", FINITE, base_name=OPTIM, keep_expected=True,
       edit=lambda c: put(c, "expected.optimizer_steps.0.loss", SENTINEL), token="-1e999")

# --- sizes: negative, zero, not integers --------------------------------------------------
AT_LEAST_1 = ["minimum of 1", ">= 1"]
broken("negative_H.json", "config.H is -2", "config.H", AT_LEAST_1, edit=lambda c: put(c, "config.H", -2),
       keyword="minimum")
broken("zero_D.json", "config.D is 0", "config.D", AT_LEAST_1, edit=lambda c: put(c, "config.D", 0))
broken("non_integer_B.json", "config.B is 2.5", "config.B", ["integer"], edit=lambda c: put(c, "config.B", 2.5))
broken("negative_V.json", "config.V is -1", "config.V", AT_LEAST_1, base_name=EMBED,
       edit=lambda c: put(c, "config.V", -1))
broken("non_integer_K.json", "config.K is 2.5", "config.K", ["integer"], base_name=SOFTMAX,
       edit=lambda c: put(c, "config.K", 2.5))
broken("optimizer_steps_zero.json", "optimizer.steps is 0", "optimizer.steps", AT_LEAST_1, base_name=OPTIM,
       edit=lambda c: put(c, "optimizer.steps", 0))
broken("negative_lr.json", "optimizer.lr is -0.1", "optimizer.lr", ["> 0", "less than or equal to the minimum of 0"],
       base_name=OPTIM, edit=lambda c: put(c, "optimizer.lr", -0.1), keyword="exclusiveMinimum")

# --- token ids and classes out of range (V 7; K 3; sigmoid 0/1) ---------------------------
broken("token_out_of_range.json", "inputs.tokens[0][0] is V = 7", "inputs.tokens", ["0..6"], base_name=EMBED,
       edit=lambda c: put(c, "inputs.tokens.0.0", 7))
broken("token_negative.json", "inputs.tokens[5][3] is -1", "inputs.tokens", ["0..6"], base_name=EMBED,
       edit=lambda c: put(c, "inputs.tokens.5.3", -1))
broken("token_huge.json", "inputs.tokens[1][1] is 1e20 (beyond int64)", "inputs.tokens", ["0..6"],
       base_name=EMBED, edit=lambda c: put(c, "inputs.tokens.1.1", 1e20))
broken("token_non_integer.json", "inputs.tokens[2][0] is 1.5", "inputs.tokens", ["integer"], base_name=EMBED,
       edit=lambda c: put(c, "inputs.tokens.2.0", 1.5))
broken("target_class_out_of_range.json", "inputs.targets[1] is K = 3", "inputs.targets", ["0..2"],
       base_name=SOFTMAX, edit=lambda c: put(c, "inputs.targets.1", 3))
broken("target_binary_2.json", "inputs.targets[0] is 2 for the sigmoid head", "inputs.targets", ["0..1"],
       base_name=EMBED, edit=lambda c: put(c, "inputs.targets.0", 2))

# --- other contradictions -------------------------------------------------------------------
broken("mask_half.json", "inputs.mask[2][1] is 0.5", "inputs.mask", ["0 and 1"], base_name=SOFTMAX,
       edit=lambda c: put(c, "inputs.mask.2.1", 0.5))
broken("format_version_2.json", "format_version is 2", "format_version", ["1 was expected", "expected 1"],
       edit=lambda c: put(c, "format_version", 2), keyword="const")
broken("head_unknown.json", 'config.head is "gru"', "config.head", ["one of"],
       edit=lambda c: put(c, "config.head", "gru"), keyword="enum")
broken("K_with_head_none.json", "config.K is 3 with head none", "config.K", ["null"],
       edit=lambda c: put(c, "config.K", 3))
broken("unknown_top_field.json", "an extra top-level field 'comment'", "comment", ["not allowed", "not expected"],
       edit=lambda c: put(c, "comment", "hello"), keyword="additionalProperties")
broken("unknown_param.json", "an extra parameter params.Q", "params.Q", ["not allowed", "not expected"],
       edit=lambda c: put(c, "params.Q", [1.0]), keyword="properties")
broken("E_without_V.json", "params.E although config.V is null", "params.E", ["not expected"],
       edit=lambda c: put(c, "params.E", [[1.0] * 5]))
broken("clip_both.json", "clip has both max_norm and value", "clip", ["too many", "expected"],
       base_name=OPTIM, edit=lambda c: put(c, "clip.value", 1.0), keyword="maxProperties")
broken("optimizer_name_unknown.json", 'optimizer.name is "rmsprop"', "optimizer.name", ["sgd"], base_name=OPTIM,
       edit=lambda c: put(c, "optimizer.name", "rmsprop"))
broken("expected_unknown_tensor.json", "expected.forward.zz is not a tensor of this model",
       "expected.forward.zz", ["not expected", "not allowed"], keep_expected=True,
       edit=lambda c: put(c, "expected.forward.zz", [1.0]))
broken("expected_loss_list.json", "expected.forward.loss is the list [1.0]", "expected.forward.loss",
       ["number"], keep_expected=True, edit=lambda c: put(c, "expected.forward.loss", [1.0]))
broken("optimizer_step_unknown_param.json", "expected.optimizer_steps[0].params.Q is not a parameter",
       "expected.optimizer_steps.0.params.Q", ["not expected", "not allowed"], base_name=OPTIM, keep_expected=True,
       edit=lambda c: put(c, "expected.optimizer_steps.0.params.Q", [1.0]))


# --- one file per schema keyword not covered above; readers must agree (#12, #14) ------------
broken("name_with_space.json", 'name is "Adam Trajectory" (not a file name)', "name", ["does not match"],
       edit=lambda c: put(c, "name", "Adam Trajectory"), keyword="pattern")
broken("name_path_traversal.json", 'name is "../../etc/passwd"', "name", ["does not match"],
       edit=lambda c: put(c, "name", "../../etc/passwd"), keyword="pattern")
broken("description_empty.json", "description is the empty string", "description", ["short", "non-empty"],
       edit=lambda c: put(c, "description", ""), keyword="minLength")
broken("tolerance_rtol_huge.json", "tolerance.rtol is 1e6: every comparison would pass", "tolerance.rtol",
       ["maximum of 1e-06", "1e-6"], edit=lambda c: put(c, "tolerance.rtol", 1e6), keyword="maximum")
broken("tolerance_atol_huge.json", "tolerance.atol is 0.001", "tolerance.atol", ["maximum of 1e-06", "1e-6"],
       edit=lambda c: put(c, "tolerance.atol", 1e-3), keyword="maximum")
broken("beta1_above_one.json", "optimizer.beta1 is 1.5", "optimizer.beta1", ["maximum of 1"],
       base_name=OPTIM, edit=lambda c: c["optimizer"].update(name="adam", beta1=1.5, beta2=0.999, eps=1e-8),
       keyword="exclusiveMaximum")
broken("eps_zero.json", "optimizer.eps is 0 (division by zero in Adam)", "optimizer.eps", ["minimum of 0"],
       base_name=OPTIM, edit=lambda c: c["optimizer"].update(name="adam", beta1=0.9, beta2=0.999, eps=0),
       keyword="exclusiveMinimum")
broken("clip_empty.json", "clip is {}", "clip", ["non-empty"], base_name=OPTIM,
       edit=lambda c: put(c, "clip", {}), keyword="minProperties")
broken("targets_string.json", 'inputs.targets is the string "1 0 2"', "inputs.targets", ["any of"],
       base_name=SOFTMAX, edit=lambda c: put(c, "inputs.targets", "1 0 2"), keyword="anyOf")
broken("config_V_string.json", 'config.V is the string "7"', "config.V", ["type"], base_name=EMBED,
       edit=lambda c: put(c, "config.V", "7"), keyword="type")
broken("layer_inputs_without_dh_head.json", "layer_inputs without dh_head", "layer_inputs.dh_head", ["required"],
       edit=lambda c: drop(c, "layer_inputs.dh_head"), keyword="required")
broken("layer_inputs_dh_head_wrong_H.json", "layer_inputs.dh_head is (T, B, H-1)", "layer_inputs.dh_head",
       dims(6, 3, 4), edit=lambda c: [r.pop() for m in c["layer_inputs"]["dh_head"] for r in m])
broken("layer_inputs_unknown.json", "layer_inputs.dh has a name the spec does not know", "layer_inputs.dh",
       ["not allowed", "not expected"], edit=lambda c: put(c, "layer_inputs.dh", [1.0]),
       keyword="additionalProperties")

# --- hostile files: duplicate keys (Python's json keeps the last value, R's $ the first) ------
broken("duplicate_tolerance.json", "a second tolerance with rtol 1e6 (would let a mutant pass where the last wins)",
       "tolerance", ["duplicate key"], edit=lambda c: put(c, "tolerance", SENTINEL),
       token='{"rtol": 1e-12, "atol": 1e-300},\n "tolerance": {"rtol": 1e6, "atol": 0.0}')
broken("duplicate_params_W.json", "params.W twice (the second a 1 x 1 matrix)", "params.W", ["duplicate key"],
       edit=lambda c: put(c, "params.b", SENTINEL),
       token="[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],\n  "
             '"W": [[0.0]]')
broken("duplicate_config_H.json", "config.H twice (4, then 5)", "config.H", ["duplicate key"],
       edit=lambda c: put(c, "config.H", SENTINEL), token='4, "H": 5')


def names_field(message: str, field: str) -> bool:
    """The message names the JSON path: 'params.W' (or deeper, 'params.W.0.1'), or
    jsonschema's "params: 'W' ..." form (the parent path, then the key in quotes)."""
    if re.search(re.escape(field) + r"(?![A-Za-z0-9_])", message):
        return True
    parent, _, key = field.rpartition(".")
    return f"'{key}'" in message and (not parent or f"{parent}:" in message)


def says_expected(message: str, expect: list[str]) -> bool:
    return any(e.lower() in message.lower() for e in expect)


def message_problem(message: str, entry: dict) -> str | None:
    """What keeps the message from being clear about entry (a manifest row), or None."""
    if entry["file"] not in message:
        return f"the file is not named: {message!r}"
    rest = message.replace(entry["file"], "<file>")  # words of the file name must not pass the checks
    if entry["field"] is not None and not names_field(rest, entry["field"]):
        return f"{entry['field']} is not named: {message!r}"
    if not says_expected(rest, entry["expect"]):
        return f"says none of {entry['expect']}: {message!r}"
    return None


def manifest() -> list[dict]:
    return [{k: s[k] for k in ("file", "what", "field", "expect", "keyword")} for s in CORPUS]


def readme(entries: list[dict]) -> str:
    rows = "\n".join(f"| `{e['file']}` | {e['what']} | `{e['field'] or '-'}` | "
                     + " / ".join(f"`{x}`" for x in e["expect"]) + f" | {e['keyword'] or ''} |" for e in entries)
    return README_HEAD.format(n=len(entries)) + rows + "\n" + README_TAIL


README_HEAD = """\
# tests/broken — fixtures that must be refused

Generated by `make_broken.py` (do not edit by hand; `--check` tells whether the
files are current). Each file is a committed fixture with one thing wrong.
Reading any of them must raise a clear error, in every language:

* Python `lstmparity.suite.fixtures.read_case(path)` raises `FixtureError`;
* R `read_fixture(path)` raises an error of class `lstmparity_input_error`;
* `lstmparity conform --fixtures DIR` exits 2 with that message (and still checks
  the good fixtures in the same folder).

The message must contain the file name, the JSON path in the *field* column
(`params: 'W'` counts for `params.W`; for files that are not JSON there is no
path and the message must say it is not JSON) and at least one of the strings in
the *expect* column (case-insensitive). Both readers validate against the same
schema file (Python with jsonschema, R with `R/schema.R`); every keyword the
schema uses has at least one file here (*schema keyword* column), and duplicate
JSON keys are refused by both. `expected_errors.json` holds the same
table for the tests (`tests/python/test_broken_inputs.py`,
`tests/testthat/test-broken-inputs.R`). A 50 MB case (a ragged `inputs.x` in its
last step) is written at test time by `write_big_case()`, not committed.
`measure.py` prints how many inputs each language refuses clearly and how long
the slowest one takes.

{n} files:

| file | what is wrong | field | expect (any of) | schema keyword |
|---|---|---|---|---|
"""

README_TAIL = """
Known defects in the readers are listed at the top of the two test files
(`KNOWN_ISSUES`); those tests are marked xfail (Python) / skipped (R) with the reason.
"""


def write_big_case(folder: Path, megabytes: float = 50.0) -> Path:
    """A ~``megabytes`` MB case (head none, long T) whose last step of inputs.x is ragged."""
    case = base(NONE)
    cfg = case["config"]
    B, D, H = cfg["B"], cfg["D"], cfg["H"]
    step_x = [[0.12345678901234567 + 1e-17 * (b * D + d) for d in range(D)] for b in range(B)]
    step_p = [[-0.9876543210987654] * H for _ in range(B)]
    per_step = len(json.dumps(step_x)) + len(json.dumps(step_p)) + 4
    T = max(2, int(megabytes * 1e6 / per_step))
    cfg["T"] = T
    x_text = ",".join([json.dumps(step_x)] * (T - 1) + [json.dumps(step_x[:-1] + [step_x[-1][:-1]])])
    p_text = ",".join([json.dumps(step_p)] * T)
    case["inputs"] = {"x": "@X@", "proj": "@P@"}
    text = json.dumps(case).replace('"@X@"', f"[{x_text}]").replace('"@P@"', f"[{p_text}]")
    path = Path(folder) / "big_50mb_ragged_x.json"
    path.write_text(text, encoding="utf-8")
    return path


BIG_CASE = {"file": "big_50mb_ragged_x.json", "what": "~50 MB, inputs.x ragged in its last step",
            "field": "(file size)", "expect": ["at most 32 MB", "LSTMPARITY_MAX_CASE_MB"]}
# With LSTMPARITY_MAX_CASE_MB raised, the same file is parsed and refused for its content:
BIG_CASE_PARSED = {**BIG_CASE, "field": "inputs.x", "expect": ["ragged"]}


def expected_outputs() -> dict[str, bytes]:
    files = {s["file"]: render(s) for s in CORPUS}
    entries = manifest()
    files[MANIFEST] = jsonio.dumps(entries).encode("utf-8")
    files["README.md"] = readme(entries).encode("utf-8")
    return files


def main(argv: list[str]) -> int:
    files = expected_outputs()
    if "--check" in argv:
        stale = [n for n, b in files.items() if not (HERE / n).is_file() or (HERE / n).read_bytes() != b]
        known = set(files) | {"make_broken.py", "measure.py"}
        extra = [p.name for p in HERE.iterdir() if p.is_file() and p.name not in known]
        for n in stale + extra:
            print(f"stale, missing or unknown: tests/broken/{n}")
        return 1 if stale or extra else 0
    for old in HERE.glob("*.json"):
        if old.name not in files:
            old.unlink()
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(CORPUS)} broken fixtures, {MANIFEST} and README.md to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
