# Buggy copies of lstm_step_forward() (R/cell.R) about the gates: each is the reference with one
# bug (# BUG:). Mirrors conformance/mutants/gates.py; finish_forward() is in forward.R.
# Blocks that need what the step's signature does not carry (the bias b) are made per case by a
# factory taking the case; they keep no state.

forget_bias_plus_one <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  z <- h_prev %*% U + xw_t
  z[, H + 1:H] <- z[, H + 1:H] + 1 # BUG: a hidden forget bias of +1 (TensorFlow's forget_bias) added in the step
  i <- sigmoid(z[, 1:H, drop = FALSE]); f <- sigmoid(z[, H + 1:H, drop = FALSE])
  g <- tanh(z[, 2 * H + 1:H, drop = FALSE]); o <- sigmoid(z[, 3 * H + 1:H, drop = FALSE])
  finish_forward(i, f, g, o, f * c_prev + i * g, h_prev, c_prev, m)
}

gate_order_onnx <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  z <- h_prev %*% U + xw_t
  i <- sigmoid(z[, 1:H, drop = FALSE])
  o <- sigmoid(z[, H + 1:H, drop = FALSE]) # BUG: the blocks read as ONNX's i, o, f, c
  f <- sigmoid(z[, 2 * H + 1:H, drop = FALSE]) # (same bug)
  g <- tanh(z[, 3 * H + 1:H, drop = FALSE]) # (same bug: the candidate from the last block)
  finish_forward(i, f, g, o, f * c_prev + i * g, h_prev, c_prev, m)
}

recurrent_blocks_transposed <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  Ut <- do.call(cbind, lapply(0:3, function(k) t(U[, k * H + 1:H, drop = FALSE])))
  z <- h_prev %*% Ut + xw_t # BUG: every H x H block of U transposed (weights imported from a (4H, H) layout)
  i <- sigmoid(z[, 1:H, drop = FALSE]); f <- sigmoid(z[, H + 1:H, drop = FALSE])
  g <- tanh(z[, 2 * H + 1:H, drop = FALSE]); o <- sigmoid(z[, 3 * H + 1:H, drop = FALSE])
  finish_forward(i, f, g, o, f * c_prev + i * g, h_prev, c_prev, m)
}

output_tanh_dropped <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  z <- h_prev %*% U + xw_t
  i <- sigmoid(z[, 1:H, drop = FALSE]); f <- sigmoid(z[, H + 1:H, drop = FALSE])
  g <- tanh(z[, 2 * H + 1:H, drop = FALSE]); o <- sigmoid(z[, 3 * H + 1:H, drop = FALSE])
  c <- f * c_prev + i * g
  h <- o * c # BUG: h = o * c, the tanh of c dropped
  if (!is.null(m)) {
    h <- m * h + (1 - m) * h_prev
    c <- m * c + (1 - m) * c_prev
  }
  list(i = i, f = f, g = g, o = o, c = c, h = h, tanh_c = c)
}

# x rounded to the nearest float32 (R has no float32 type: writeBin() with size 4 rounds).
as_float32 <- function(x) {
  y <- readBin(writeBin(as.vector(x), raw(), size = 4), "double", size = 4, n = length(x))
  dim(y) <- dim(x)
  y
}

float32_step <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  r <- as_float32 # BUG: float32 arithmetic: every input and every result rounded to float32
  H <- ncol(h_prev)
  h_prev <- r(h_prev); c_prev <- r(c_prev)
  z <- r(r(h_prev %*% r(U)) + r(xw_t))
  i <- r(sigmoid(z[, 1:H, drop = FALSE])); f <- r(sigmoid(z[, H + 1:H, drop = FALSE]))
  g <- r(tanh(z[, 2 * H + 1:H, drop = FALSE])); o <- r(sigmoid(z[, 3 * H + 1:H, drop = FALSE]))
  c <- r(r(f * c_prev) + r(i * g))
  tanh_c <- r(tanh(c))
  h <- r(o * tanh_c)
  if (!is.null(m)) {
    h <- r(m * h + (1 - m) * h_prev)
    c <- r(m * c + (1 - m) * c_prev)
  }
  list(i = i, f = f, g = g, o = o, c = c, h = h, tanh_c = tanh_c)
}

# list(step_forward): the step with the output gate's bias used in the forget gate, for this case's b.
bias_of_other_gate <- function(case) {
  b <- case$params$b
  step_forward <- function(xw_t, h_prev, c_prev, U, m = NULL) {
    H <- ncol(h_prev)
    z <- h_prev %*% U + xw_t
    z[, H + 1:H] <- z[, H + 1:H] + rep(b[3 * H + 1:H] - b[H + 1:H], each = nrow(z)) # BUG: z_f uses b_o
    i <- sigmoid(z[, 1:H, drop = FALSE]); f <- sigmoid(z[, H + 1:H, drop = FALSE])
    g <- tanh(z[, 2 * H + 1:H, drop = FALSE]); o <- sigmoid(z[, 3 * H + 1:H, drop = FALSE])
    finish_forward(i, f, g, o, f * c_prev + i * g, h_prev, c_prev, m)
  }
  list(step_forward = step_forward)
}
