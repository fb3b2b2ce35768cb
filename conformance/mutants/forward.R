# Buggy copies of lstm_step_forward() (R/cell.R): each is the reference with one bug (# BUG:).
# Mirrors conformance/mutants/forward.py. recording_z() is the reference itself, also
# recording the pre-activations z for sigmoid_grad_on_preactivation() (backward.R).

# The reference step, appending z (B, 4H) to rec$z (emptied when a new forward pass starts).
recording_z <- function(T, rec) {
  function(xw_t, h_prev, c_prev, U, m = NULL) {
    if (length(rec$z) == T) rec$z <- list()
    rec$z[[length(rec$z) + 1L]] <- h_prev %*% U + xw_t
    lstm_step_forward(xw_t, h_prev, c_prev, U, m)
  }
}

# The reference's last lines: the state, carried unchanged at padded steps.
finish_forward <- function(i, f, g, o, c, h_prev, c_prev, m) {
  tanh_c <- tanh(c)
  h <- o * tanh_c
  if (!is.null(m)) {
    h <- m * h + (1 - m) * h_prev
    c <- m * c + (1 - m) * c_prev
  }
  list(i = i, f = f, g = g, o = o, c = c, h = h, tanh_c = tanh_c)
}

gates_swapped <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  z <- h_prev %*% U + xw_t
  g <- tanh(z[, 2 * H + 1:H, drop = FALSE])
  a <- sigmoid(z)
  i <- a[, H + 1:H, drop = FALSE] # BUG: i and f swapped when unpacking the column blocks
  f <- a[, 1:H, drop = FALSE] # (same bug)
  o <- a[, 3 * H + 1:H, drop = FALSE]
  c <- f * c_prev + i * g
  finish_forward(i, f, g, o, c, h_prev, c_prev, m)
}

input_gate_added <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  z <- h_prev %*% U + xw_t
  g <- tanh(z[, 2 * H + 1:H, drop = FALSE])
  a <- sigmoid(z)
  i <- a[, 1:H, drop = FALSE]
  f <- a[, H + 1:H, drop = FALSE]
  o <- a[, 3 * H + 1:H, drop = FALSE]
  c <- f * c_prev + i + g # BUG: the input gate added to the cell state instead of multiplying g
  finish_forward(i, f, g, o, c, h_prev, c_prev, m)
}
