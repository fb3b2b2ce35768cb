# Backprop bugs of from-scratch GRUs and vanilla RNNs, each a buggy copy of one block of
# R/gru.R or R/rnn.R. Mirrors conformance/mutants/cell_mutants.py (same names); the data
# (cell, block, GRU form, where each is first seen) are in cell_catalogue.json.

# --- GRU ----------------------------------------------------------------------------------------
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

# --- RNN ----------------------------------------------------------------------------------------
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

# --- trace order --------------------------------------------------------------------------------
# Every tensor of one forward + backward pass, in the trace order of cell_mutants.py: a list of
# list(phase, tensor, step (0-based, NA for whole tensors), value).
run_cell_trace <- function(cell, inputs, reset_after = TRUE, blocks = list()) {
  fwd_blocks <- blocks[intersect(names(blocks), "step_forward")]
  bwd_blocks <- blocks[setdiff(names(blocks), "step_forward")]
  p <- inputs[intersect(c("W", "U", "b", "b_hn"), names(inputs))]
  if (cell == "gru") {
    run <- do.call(gru_forward, c(list(inputs$x), p, list(h0 = inputs$h0, mask = inputs$mask,
                                                          reset_after = reset_after), fwd_blocks))
    back <- do.call(gru_backward, c(list(inputs$proj, run$cache), bwd_blocks))
    gates <- c("r", "z", "n")
    backward <- c("dh", "dn", "dz", "dr")
  } else {
    run <- do.call(rnn_forward, c(list(inputs$x), p, list(h0 = inputs$h0, mask = inputs$mask), fwd_blocks))
    back <- do.call(rnn_backward, c(list(inputs$proj, run$cache), bwd_blocks))
    gates <- "g"
    backward <- c("dh", "dg")
  }
  T <- dim(inputs$x)[1]
  row <- function(phase, tensor, step, value) list(phase = phase, tensor = tensor, step = step, value = value)
  rows <- list()
  for (t in seq_len(T)) for (k in c(gates, "h")) rows[[length(rows) + 1]] <- row("forward", k, t - 1, run$out[[k]][[t]])
  for (t in rev(seq_len(T))) {
    for (k in backward) rows[[length(rows) + 1]] <- row("backward", k, t - 1, back$trace[[k]][[t]])
  }
  rows[[length(rows) + 1]] <- row("backward", "dx", NA, stack_steps(back$trace$dx))
  rows[[length(rows) + 1]] <- row("backward", "dh0", NA, back$trace$dh0)
  for (k in names(back$grads)) rows[[length(rows) + 1]] <- row("grads", k, NA, back$grads[[k]])
  rows
}

# The first row where `other` differs from `reference` beyond rtol (relative to the tensor's
# largest value): list(phase, tensor, step); NULL when all agree.
first_divergence_cells <- function(reference, other, rtol = 1e-10) {
  for (k in seq_along(reference)) {
    a <- reference[[k]]$value
    b <- other[[k]]$value
    scale <- max(abs(a), abs(b), 1e-300)
    if (any(!is.finite(b)) || max(abs(a - b)) > rtol * scale) {
      return(reference[[k]][c("phase", "tensor", "step")])
    }
  }
  NULL
}
