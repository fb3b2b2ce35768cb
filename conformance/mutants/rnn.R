# Backprop bugs of from-scratch vanilla (Elman) RNNs, each a buggy copy of one block of R/rnn.R.
# Mirrors conformance/mutants/rnn.py (same names); catalogue.json registers them (cell "rnn").

rnn_tanh_prime_dropped <- function(g, m = NULL) {
  d <- g * 0 + 1 # BUG: no tanh derivative
  list(dh_dg = if (is.null(m)) d else d * as.vector(m))
}

rnn_tanh_prime_on_preactivation <- function(g, m = NULL) {
  a <- atanh(g)
  d <- 1 - a * a # BUG: on the pre-activation
  list(dh_dg = if (is.null(m)) d else d * as.vector(m))
}

rnn_tanh_prime_not_squared <- function(g, m = NULL) {
  d <- 1 - g # BUG: not squared
  list(dh_dg = if (is.null(m)) d else d * as.vector(m))
}

rnn_recurrent_weights_not_transposed <- function(dh, dh_dg, U, m = NULL) {
  dg <- dh * dh_dg
  dh_prev <- dg %*% U # BUG: dg U^T
  if (!is.null(m)) dh_prev <- dh_prev + (1 - m) * dh
  list(dg = dg, dh_prev = dh_prev)
}

rnn_mask_carry_dropped <- function(dh, dh_dg, U, m = NULL) {
  dg <- dh * dh_dg
  list(dg = dg, dh_prev = tcrossprod(dg, U)) # BUG: the carried (1 - m) dh term is missing
}

rnn_bias_grad_mean <- function(x, h_prev, dz) {
  ref <- rnn_param_grads(x, h_prev, dz)
  ref$db <- colMeans(dz) # BUG: summed, not averaged
  ref
}

rnn_recurrent_grad_transposed <- function(x, h_prev, dz) {
  ref <- rnn_param_grads(x, h_prev, dz)
  ref$dU <- crossprod(dz, h_prev) # BUG: the transpose
  ref
}
