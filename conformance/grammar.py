"""The generic hypothesis grammar: every small edit of the diverging tensor's equation.

A :class:`Hypothesis` predicts the diverging tensor (one step slice, or the whole
tensor) from the fixture's correct upstream values, as it would be with one bug.
Its ``id`` is stable and readable (``"dc:wrap:tanh"``, ``"f:block:g"``,
``"db:perm:ifog"``, ``"dlogits:scale:B"``); catalogue.json names the ids each
catalogued bug produces, so a confirmed id is reported under the bug's name.

Edits (``T`` a tensor of :data:`conformance.equations.RIGHT`, ``G`` a gate):

* ``T:drop:F`` one factor dropped; ``T:add:F`` one gate factor added;
  ``T:swap:F>N`` a factor replaced by a neighbour (derivative on the
  pre-activation, on an activation, c_t for c_{t-1}, tanh(c) for c, ...);
* ``T:dropterm:A*B`` a term missing (a carried ``dh_next`` / ``dc_next``);
  ``T:sum:A*B`` a product written as a sum; ``T:wrap:tanh|sigmoid`` an extra
  nonlinearity; ``T:matmul:k`` a matrix product where an elementwise one belongs
  (only when B == H, the only case where it runs);
* ``G:block:G2`` a gate computed from another gate's column block (gate order);
  ``G:act:...`` the wrong activation; ``G:bias:G2|none|twice``, ``G:plus1``
  (a hidden forget bias), ``G:recurrent:none|transposed``;
* ``dU:swap:h_prev>h`` h_t where h_{t-1} belongs;
* generic, any tensor: ``T:scale:K`` one constant factor (K = 2, B, 1/B, T, 1/T or
  other), ``T:shift:-1|+1`` the value of the neighbouring step, ``T:perm:ORDER``
  gate blocks permuted (dW, dU, db, W, U, b; dx through dz), ``float32``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .equations import EXTRAS, FACTORS, Terms, carry, dropped, evaluate, neighbours, render, right_for
from .upstream import Upstream

Predict = Callable[[Upstream, Any], "np.ndarray | None"]


@dataclass(frozen=True)
class Hypothesis:
    id: str
    what: str  # in words
    predict: Predict  # (upstream, step) -> the tensor (step slice) as the bug makes it, or None: not applicable
    wrong: str = ""  # the equation as the implementation evidently computes it
    right: str = ""
    fix_python: str = ""
    fix_r: str = ""
    fitted: int = 0  # parameters fitted to the actual values (a fit needs more elements than parameters)


def _eq(name: str, terms: Terms, how: str) -> str:
    op = {"math": " = ", "py": " = ", "r": " <- "}[how]
    return name + op + render(terms, how)


def _term_edits(name: str, terms: Terms, cell: str = "lstm") -> Iterator[tuple[str, str, Terms]]:
    """(id suffix, words, edited terms) for every one-place edit of a sum of products."""
    near, drops = neighbours(cell), dropped(cell)
    for j, term in enumerate(terms):
        for k, f in enumerate(term):
            if len(term) > 1:
                yield f"drop:{f}", drops.get(f, f"the factor {FACTORS[f].math} dropped"), \
                    terms[:j] + [term[:k] + term[k + 1:]] + terms[j + 1:]
            for alt, words in near.get(f, []):
                yield f"swap:{f}>{alt}", words, terms[:j] + [term[:k] + [alt] + term[k + 1:]] + terms[j + 1:]
        for extra in EXTRAS[cell]:
            if extra not in term:
                yield f"add:{extra}", f"an extra factor {FACTORS[extra].math}", \
                    terms[:j] + [[*term, extra]] + terms[j + 1:]
        if len(terms) > 1:
            what = "*".join(term)
            carried = "dc_next" in term or "dh_next" in term
            words = (f"the carried term {FACTORS[term[-1]].math} missing (never updated, or '=' where '+=' belongs)"
                     if carried else f"the term {render([term], 'math')} missing")
            yield f"dropterm:{what}", words, terms[:j] + terms[j + 1:]
        if len(term) == 2:
            yield f"sum:{'*'.join(term)}", f"{render([term], 'math')} written as a sum", \
                terms[:j] + [[term[0]], [term[1]]] + terms[j + 1:]


def equation_hypotheses(phase: str, name: str, masked: bool = True, cell: str = "lstm",
                        reset_after: bool = True) -> list[Hypothesis]:
    """Every edit of the right equation of a per-step tensor (none for tensors without one), in the cell's
    equations (:func:`conformance.equations.right_for`).

    masked: whether the case has a mask; without one the factor m (always 1) is left out.
    """
    terms = right_for(cell, reset_after).get((phase, name))
    if terms is None:
        return []
    if not masked:
        terms = [[f for f in term if f != "m"] for term in terms]
    right = _eq(name, terms, "math")
    fix_py, fix_r = _eq(name, terms, "py"), _eq(name, terms, "r")
    out = []
    for suffix, words, edited in _term_edits(name, terms, cell):
        def predict(u: Upstream, t: Any, edited: Terms = edited) -> np.ndarray:
            return carry((phase, name), evaluate(edited, u, t), u, t)

        out.append(Hypothesis(f"{name}:{suffix}", words, predict, _eq(name, edited, "math"), right, fix_py, fix_r))
    for fn in ("tanh", "sigmoid"):
        def wrapped(u: Upstream, t: Any, fn: str = fn) -> np.ndarray:
            v = evaluate(terms, u, t)
            return carry((phase, name), np.tanh(v) if fn == "tanh" else 1 / (1 + np.exp(-v)), u, t)

        out.append(Hypothesis(f"{name}:wrap:{fn}", f"{fn} applied to {name}", wrapped,
                              f"{name} = {fn}({render(terms, 'math')})", right, fix_py, fix_r))
    out += _matmul_hypotheses(phase, name, terms, right, fix_py, fix_r)
    return out


def _matmul_hypotheses(phase: str, name: str, terms: Terms, right: str, fix_py: str, fix_r: str) -> list[Hypothesis]:
    """A matrix product where an elementwise one belongs, at every split of a product (B == H only)."""
    out = []
    for j, term in enumerate(terms):
        core = [f for f in term if f != "m"]  # the 0/1 mask stays elementwise
        for k in range(1, len(core)):
            left, rest = core[:k], core[k:]

            def predict(u: Upstream, t: Any, left=left, rest=rest, j=j) -> np.ndarray | None:
                if u.B != u.H:
                    return None
                others = evaluate(terms[:j] + terms[j + 1:], u, t) if len(terms) > 1 else 0.0
                prod = evaluate([left], u, t) @ evaluate([rest], u, t) * u.m[t]
                return carry((phase, name), prod + others, u, t)

            wrong = f"{name} = {_group(left)} %*% {_group(rest)}"
            out.append(Hypothesis(f"{name}:matmul:{k}", "a matrix product where an elementwise one belongs "
                                  "(it runs only because B == H)", predict, wrong, right, fix_py, fix_r))
    return out


def _group(factors: list[str]) -> str:
    """A product as one operand of %*%: parenthesised unless it is one factor that prints as one already."""
    text = render([factors], "math")
    return text if len(factors) == 1 and (text.startswith("(") or text.isidentifier()) else f"({text})"


GATE_ACT = {"i": "sigmoid", "f": "sigmoid", "g": "tanh", "o": "sigmoid"}  # the LSTM's
# The gates whose pre-activation is x_t W + b + h_{t-1} U, per cell (the GRU's n is not one: see n_hypotheses).
CELL_GATE_ACT = {"lstm": GATE_ACT, "gru": {"r": "sigmoid", "z": "sigmoid"}, "rnn": {"g": "tanh"}}
ACTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
    "hard_sigmoid": lambda z: np.clip(0.2 * z + 0.5, 0.0, 1.0),
}


def gate_hypotheses(name: str, gates: tuple[str, ...], cell: str = "lstm") -> list[Hypothesis]:
    """Edits of a forward gate: z_G = x_t W_G + b_G + h_{t-1} U_G, G = act(z_G)."""
    acts = CELL_GATE_ACT[cell]
    if name not in acts:
        return n_hypotheses(name) if cell == "gru" else []
    act = acts[name]
    k = gates.index(name)
    py_cols, r_cols = f"{k} * H:{k + 1} * H", f"{k} * H + 1:H"
    right = f"{name} = {act}(x_t W_{name} + b_{name} + h_prev U_{name})"
    fix_py = f"{name} = {act}(x_t @ W[:, {py_cols}] + b[{py_cols}] + h_prev @ U[:, {py_cols}])"
    fix_r = f"{name} <- {act}(x_t %*% W[, {r_cols}] + b[{r_cols}] + h_prev %*% U[, {r_cols}])"

    def hyp(suffix: str, words: str, wrong: str, z_of: Callable[[Upstream, int], np.ndarray],
            fn: str = act) -> Hypothesis:
        return Hypothesis(f"{name}:{suffix}", words, lambda u, t: ACTS[fn](z_of(u, t)), wrong, right, fix_py, fix_r)

    def z(u: Upstream, t: int, gate: str = name) -> np.ndarray:
        return u.block(u.z[t], gate)

    def b(u: Upstream, gate: str) -> np.ndarray:
        return u.block(u.params["b"], gate)

    out = [hyp(f"block:{o}", f"gate {name} computed from the column block of gate {o} (gate order lost)",
               f"{name} = {act}(z_{o})", lambda u, t, o=o: z(u, t, o)) for o in gates if o != name]
    out += [hyp(f"act:{fn}", f"{fn} where {act} belongs", f"{name} = {fn}(z_{name})", z, fn)
            for fn in ACTS if fn != act]
    out += [hyp(f"bias:{o}", f"the bias of gate {o} used in gate {name}",
                f"{name} = {act}(x_t W_{name} + b_{o} + h_prev U_{name})",
                lambda u, t, o=o: z(u, t) - b(u, name) + b(u, o)) for o in gates if o != name]
    out.append(hyp("bias:none", f"no bias in gate {name}", f"{name} = {act}(x_t W_{name} + h_prev U_{name})",
                   lambda u, t: z(u, t) - b(u, name)))
    out.append(hyp("bias:twice", f"the bias of gate {name} added twice (two bias vectors both set to b)",
                   f"{name} = {act}(x_t W_{name} + 2 b_{name} + h_prev U_{name})", lambda u, t: z(u, t) + b(u, name)))
    out.append(hyp("plus1", f"a hidden +1 on the pre-activation of gate {name} (TensorFlow's forget_bias)",
                   f"{name} = {act}(z_{name} + 1)", lambda u, t: z(u, t) + 1.0))
    out.append(hyp("recurrent:none", f"the recurrent term h_prev U_{name} missing",
                   f"{name} = {act}(x_t W_{name} + b_{name})", lambda u, t: u.block(u.xw[t], name)))
    out.append(hyp("recurrent:transposed", f"the H x H recurrent block U_{name} transposed",
                   f"{name} = {act}(x_t W_{name} + b_{name} + h_prev t(U_{name}))",
                   lambda u, t: u.block(u.xw[t], name) + u.h_prev[t] @ u.block(u.params["U"], name).T))
    return out


def n_hypotheses(name: str) -> list[Hypothesis]:
    """The GRU's candidate with the reset gate on the other side of the recurrent product."""
    if name != "n":
        return []

    def other(u: Upstream, t: int) -> np.ndarray:
        r, h, Un, b_hn = u.fwd("r")[t], u.h_prev[t], u.block(u.params["U"], "n"), u.params["b_hn"]
        rec = (r * h) @ Un + b_hn if u.reset_after else r * (h @ Un + b_hn)
        return np.tanh(u.block(u.xw[t], "n") + rec)

    after = "n = tanh(x_t W_n + b_n + r * (h_prev U_n + b_hn))"
    before = "n = tanh(x_t W_n + b_n + (r * h_prev) U_n + b_hn)"
    fix_after = "n = np.tanh(xw_n + r * (h_prev @ U_n + b_hn))", "n <- tanh(xw_n + r * (h_prev %*% U_n + b_hn))"
    fix_before = "n = np.tanh(xw_n + (r * h_prev) @ U_n + b_hn)", "n <- tanh(xw_n + (r * h_prev) %*% U_n + b_hn)"

    def hyp(u_after: bool) -> Hypothesis:
        wrong, right = (before, after) if u_after else (after, before)
        fix = fix_after if u_after else fix_before
        where = "before" if u_after else "after"
        return Hypothesis(f"n:reset:{where}", f"the reset gate applied {where} the recurrent product "
                          f"({'Cho et al.' if where == 'before' else 'PyTorch'}'s form where the case has the other)",
                          lambda u, t: other(u, t) if u.reset_after == u_after else None, wrong, right, *fix)

    return [hyp(True), hyp(False)]


def grads_hypotheses(name: str, cell: str = "lstm") -> list[Hypothesis]:
    """Edits of a parameter gradient's sum over steps."""
    if name == "dU" and cell == "gru":
        return _gru_dU_hypotheses()
    if name != "dU":
        return []

    def from_h_t(u: Upstream, step: Any) -> np.ndarray:
        return np.einsum("tbh,tbk->hk", u.fwd("h"), u.dz)

    return [Hypothesis("dU:swap:h_prev>h", "h_t where h_{t-1} belongs in the recurrent weight gradient", from_h_t,
                       "dU = sum_t h_t^T dz_t", "dU = sum_t h_{t-1}^T dz_t",
                       "dU = h_prev.reshape(T * B, H).T @ dz.reshape(T * B, 4 * H)", "dU <- crossprod(h_prev, dz)")]


def _gru_dU_hypotheses() -> list[Hypothesis]:
    """The GRU's dU with its n block summed over h_{t-1} where r * h_{t-1} is U_n's input (reset before)."""
    def from_h_prev(u: Upstream, step: Any) -> np.ndarray | None:
        if u.reset_after:
            return None
        rz = np.einsum("tbh,tbk->hk", u.h_prev, u.dz[..., : 2 * u.H])
        return np.concatenate([rz, np.einsum("tbh,tbk->hk", u.h_prev, u.bwd("dn"))], axis=1)

    return [Hypothesis("dU:swap:hr>h_prev", "h_{t-1} where r * h_{t-1} belongs in the gradient of U_n (reset before)",
                       from_h_prev, "dU_n = sum_t h_{t-1}^T dn_t", "dU_n = sum_t (r_t * h_{t-1})^T dn_t",
                       "dU[:, 2 * H:] = (r * h_prev).T @ dn   # U_n multiplies r * h_{t-1}",
                       "dU[, 2 * H + 1:H] <- crossprod(r * h_prev, dn)   # U_n multiplies r * h_{t-1}")]
