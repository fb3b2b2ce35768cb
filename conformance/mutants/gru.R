# Backprop bugs of from-scratch GRUs, each a buggy copy of one block of R/gru.R.
# Mirrors conformance/mutants/gru.py (same names); catalogue.json registers them (cell "gru").

gru_reset_on_wrong_side <- function(xw_t, h_prev, U, b_hn, m = NULL, reset_after = TRUE) {
  gru_step_forward(xw_t, h_prev, U, b_hn, m, !reset_after) # BUG: the other reset placement
}

gru_update_gate_swapped_in_backward <- function(r, z, n, h_prev, hn, m = NULL, reset_after = TRUE) {
  ref <- gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
  dh_dn <- z * (1 - n * n) # BUG: z where 1 - z belongs
  if (!is.null(m)) dh_dn <- dh_dn * as.vector(m)
  list(dh_dn = dh_dn, dh_dz = ref$dh_dz, dn_dr = ref$dn_dr)
}

gru_tanh_prime_on_preactivation <- function(r, z, n, h_prev, hn, m = NULL, reset_after = TRUE) {
  ref <- gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
  a_n <- atanh(n)
  dh_dn <- (1 - z) * (1 - a_n * a_n) # BUG: 1 - a^2 instead of 1 - tanh(a)^2
  if (!is.null(m)) dh_dn <- dh_dn * as.vector(m)
  list(dh_dn = dh_dn, dh_dz = ref$dh_dz, dn_dr = ref$dn_dr)
}

gru_carry_without_z_dh <- function(dh, dh_dn, dh_dz, dn_dr, r, z, U, m = NULL, reset_after = TRUE) {
  s <- gru_step_backward(dh, dh_dn, dh_dz, dn_dr, r, z, U, m, reset_after)
  s$dh_prev <- s$dh_prev - dh * (if (is.null(m)) z else m * z) # BUG: the direct path's z * dh dropped
  s
}

gru_update_gate_sigmoid_prime_dropped <- function(r, z, n, h_prev, hn, m = NULL, reset_after = TRUE) {
  ref <- gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
  dh_dz <- h_prev - n # BUG: without z * (1 - z)
  if (!is.null(m)) dh_dz <- dh_dz * as.vector(m)
  list(dh_dn = ref$dh_dn, dh_dz = dh_dz, dn_dr = ref$dn_dr)
}

gru_recurrent_n_grad_without_reset <- function(dh, dh_dn, dh_dz, dn_dr, r, z, U, m = NULL, reset_after = TRUE) {
  s <- gru_step_backward(dh, dh_dn, dh_dz, dn_dr, r, z, U, m, reset_after)
  H <- ncol(dh)
  dhn <- s$dn # BUG: the factor r is missing
  s$dh_prev <- s$dh_prev + tcrossprod(dhn - s$dhn, U[, 2 * H + 1:H, drop = FALSE])
  s$dhn <- dhn
  s
}

gru_reset_grad_from_h_prev <- function(r, z, n, h_prev, hn, m = NULL, reset_after = TRUE) {
  ref <- gru_local_grads(r, z, n, h_prev, hn, m, reset_after)
  ref$dn_dr <- h_prev * r * (1 - r) # BUG: the reset-before formula (hn belongs here)
  ref
}

gru_reset_before_u_grad_from_h_prev <- function(x, h_prev, hr, dz_x, dhn) {
  gru_param_grads(x, h_prev, h_prev, dz_x, dhn) # BUG: h_prev where r * h_prev belongs
}
