"""The fixture's correct values, arranged for recomputing one tensor under a hypothesis.

At the first divergence everything upstream of it agrees with the fixture, so a
hypothesis is tested on the fixture's own values (the case's ``expected``,
``params`` and ``inputs``): what would this tensor be if the implementation had
this bug and everything before it right? :class:`Upstream` holds those values,
per step ``(T, B, H)``; derived quantities (the pre-activations ``z``, the
carried gradients ``dh_next``, ``dc_next``; the GRU's ``hn`` and ``a_n``) are recomputed
from them with the equations of python/lstmparity/core/cell.py, gru.py and rnn.py.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .compare import gate_names


class Upstream:
    """Correct values of one case. Per-step arrays are (T, B, H) unless stated; m is (T, B, 1)."""

    def __init__(self, case: dict, runs: dict[str, dict] | None = None) -> None:
        self.case = case
        self.config = case["config"]
        self.params = case["params"]
        self.inputs = case["inputs"]
        self.expected = case["expected"]
        fwd = self.expected["forward"]
        self.T, self.B, self.H = np.shape(fwd["h"])
        self.cell = self.config.get("cell") or "lstm"
        self.reset_after = self.config.get("reset_after", True)  # the GRU's
        self.gates = gate_names(self.cell)
        self.runs = {} if runs is None else runs  # results of the reference with a catalogued bug, by mutant name

    def fwd(self, name: str) -> np.ndarray:
        return np.asarray(self.expected["forward"][name], dtype=float)

    def bwd(self, name: str) -> np.ndarray:
        return np.asarray(self.expected["backward"][name], dtype=float)

    def block(self, a: np.ndarray, gate: str) -> np.ndarray:
        """The H-wide column block of one gate of a (..., n_gates * H) array."""
        k = self.gates.index(gate)
        return a[..., k * self.H : (k + 1) * self.H]

    # forward values
    @cached_property
    def x(self) -> np.ndarray:
        """(T, B, D): the layer's input (the embedding's output when there is one)."""
        return self.fwd("x") if "x" in self.expected["forward"] else np.asarray(self.inputs["x"], dtype=float)

    @cached_property
    def m(self) -> np.ndarray:
        mask = self.inputs.get("mask")
        return np.ones((self.T, self.B, 1)) if mask is None else np.asarray(mask, dtype=float)[:, :, None]

    def _prev(self, name: str) -> np.ndarray:
        start = self.inputs.get(name + "0")
        first = np.zeros((1, self.B, self.H)) if start is None else np.asarray(start, dtype=float)[None]
        return np.concatenate([first, self.fwd(name)[:-1]])

    @cached_property
    def h_prev(self) -> np.ndarray:
        return self._prev("h")

    @cached_property
    def c_prev(self) -> np.ndarray:
        return self._prev("c")

    @cached_property
    def xw(self) -> np.ndarray:
        """(T, B, 4H): x_t W + b."""
        return self.x @ self.params["W"] + self.params["b"]

    @cached_property
    def z(self) -> np.ndarray:
        """(T, B, 4H): the gates' pre-activations x_t W + b + h_{t-1} U."""
        return self.xw + self.h_prev @ self.params["U"]

    @cached_property
    def c_new(self) -> np.ndarray:
        """c~_t = f * c_{t-1} + i * g (before the mask carries the state)."""
        return self.fwd("f") * self.c_prev + self.fwd("i") * self.fwd("g")

    @cached_property
    def tanh_c(self) -> np.ndarray:
        return np.tanh(self.c_new)

    # backward values
    @cached_property
    def dz(self) -> np.ndarray:
        """(T, B, 4H): [di | df | dg | do]."""
        return np.concatenate([self.bwd("d" + n) for n in self.gates], axis=-1)

    @cached_property
    def dc_next(self) -> np.ndarray:
        """dL/dc_t carried into step t from step t+1 (zero at the last step)."""
        out = np.zeros((self.T, self.B, self.H))
        dc, f, m = self.bwd("dc"), self.fwd("f"), self.m
        for t in range(self.T - 2, -1, -1):
            out[t] = dc[t + 1] * f[t + 1] + (1.0 - m[t + 1]) * out[t + 1]
        return out

    @cached_property
    def dh_next(self) -> np.ndarray:
        """dL/dh_t carried into step t from step t+1 (zero at the last step)."""
        out = np.zeros((self.T, self.B, self.H))
        if self.cell == "gru":
            for t in range(self.T - 1):
                out[t] = self.gru_dh_prev(t + 1)
            return out
        out[:-1] = self.dz[1:] @ self.params["U"].T + (1.0 - self.m[1:]) * self.bwd("dh")[1:]
        return out

    # the GRU (python/lstmparity/core/gru.py)
    @cached_property
    def hn(self) -> np.ndarray:
        """(T, B, H): the recurrent term of n, h_prev U_n + b_hn (reset after) or (r * h_prev) U_n + b_hn."""
        hr = self.h_prev if self.reset_after else self.fwd("r") * self.h_prev
        return hr @ self.block(self.params["U"], "n") + self.params["b_hn"]

    @cached_property
    def a_n(self) -> np.ndarray:
        """(T, B, H): the candidate's pre-activation, x_t W_n + b_n + r * hn (reset after) or + hn (before)."""
        return self.block(self.xw, "n") + (self.fwd("r") * self.hn if self.reset_after else self.hn)

    def gru_dh_prev(self, t: int, direct: bool = True, reset_factor: bool = True) -> np.ndarray:
        """What step t of the GRU sends back to h_{t-1}: [dr | dz | dhn] U^T + (m z + 1 - m) dh (reset after,
        dhn = dn * r), or [dr | dz] U_rz^T + (dn U_n^T) * r + (m z + 1 - m) dh (reset before). ``direct`` False
        leaves out the direct path's m z dh, ``reset_factor`` False takes dhn = dn (both: bugs to test)."""
        U, m, dh = self.params["U"], self.m[t], self.bwd("dh")[t]
        dr, dz, dn, r, z = self.bwd("dr")[t], self.bwd("dz")[t], self.bwd("dn")[t], self.fwd("r")[t], self.fwd("z")[t]
        Urz, Un = U[:, : 2 * self.H], self.block(U, "n")
        out = np.concatenate([dr, dz], axis=1) @ Urz.T + (1.0 - m) * dh
        if self.reset_after:
            out = out + (dn * r if reset_factor else dn) @ Un.T
        else:
            out = out + (dn @ Un.T) * r
        return out + m * z * dh if direct else out

    @cached_property
    def dh_head(self) -> np.ndarray:
        """dL/dh_t from the head alone: dh_t minus what step t+1 sends back."""
        return self.bwd("dh") - self.dh_next
