# Buggy copies of lstm_local_grads() (R/cell.R): each is the reference with one bug (# BUG:).
# Mirrors conformance/mutants/derivatives.py.

# The reference's mask lines: padded steps send no gradient into the step.
masked_local <- function(dh_do, dh_dc, dc_di, dc_df, dc_dg, m) {
  if (!is.null(m)) {
    dh_do <- dh_do * as.vector(m)
    dh_dc <- dh_dc * as.vector(m)
  }
  list(dh_do = dh_do, dh_dc = dh_dc, dc_di = dc_di, dc_df = dc_df, dc_dg = dc_dg)
}

forget_sigmoid_grad_dropped <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dc_df <- c_prev # BUG: the sigmoid derivative f * (1 - f) missing on the forget gate only
  masked_local(tanh_c * o * (1 - o), o * (1 - tanh_c * tanh_c), g * i * (1 - i), dc_df, i * (1 - g * g), m)
}

sigmoid_grad_on_activation <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  s <- sigmoid(o)
  dh_do <- tanh_c * s * (1 - s) # BUG: sigmoid'(o) = s(o) (1 - s(o)) on o, which is already sigmoid(z_o)
  masked_local(dh_do, o * (1 - tanh_c * tanh_c), g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), m)
}

tanh_grad_on_activation <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dh_dc <- o * (1 - tanh(tanh_c)^2) # BUG: tanh'(tanh(c)): the derivative of a value already activated
  masked_local(tanh_c * o * (1 - o), dh_dc, g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), m)
}

sigmoid_grad_for_tanh_gate <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dc_dg <- i * g * (1 - g) # BUG: the sigmoid's derivative g (1 - g) on the tanh gate g
  masked_local(tanh_c * o * (1 - o), o * (1 - tanh_c * tanh_c), g * i * (1 - i), c_prev * f * (1 - f), dc_dg, m)
}

output_gate_grad_post_activation <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dh_do <- tanh_c # BUG: dL/do (after the sigmoid) where dL/dz_o (before it) belongs
  masked_local(dh_do, o * (1 - tanh_c * tanh_c), g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g), m)
}
