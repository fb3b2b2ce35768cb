# A minimal R adapter for `lstmparity conform --impl r:conformance/examples/adapter_example.R`.
#
# A from-scratch LSTM, independent of the lstmparity R package: the forward pass
# on every case, the backward pass and the parameter gradients only for head
# "none" without a mask (loss = sum(proj * h)). What it leaves out (logits, the
# other heads' losses, optimizer steps, ...) is reported as "not provided".
#
# Contract: the file defines lstmparity_adapter(case). `case` is a fixture as R's
# read_case() parses it (R/fixtures.R), without `expected`: arrays indexed like
# the JSON (x[t, b, d]), 1-based token ids. The result is a named list shaped
# like the fixture's `expected`: list(forward = list(i = , ...), backward = ...,
# grads = ..., optimizer_steps = ...), per-step tensors as arrays of dim c(T, B, .).

sigmoid <- function(z) 1 / (1 + exp(-z))

lstm_forward_example <- function(p, x, h0, c0, mask) {
  T <- dim(x)[1]; B <- dim(x)[2]; H <- nrow(p$U)
  h <- h0; c <- c0
  out <- list()
  for (k in c("i", "f", "g", "o", "c", "h")) out[[k]] <- array(0, c(T, B, H))
  for (t in seq_len(T)) {
    z <- matrix(x[t, , ], B) %*% p$W + h %*% p$U + rep(p$b, each = B)
    i <- sigmoid(z[, 1:H, drop = FALSE]); f <- sigmoid(z[, H + 1:H, drop = FALSE])
    g <- tanh(z[, 2 * H + 1:H, drop = FALSE]); o <- sigmoid(z[, 3 * H + 1:H, drop = FALSE])
    m <- mask[t, ]
    c <- m * (f * c + i * g) + (1 - m) * c
    h <- m * (o * tanh(c)) + (1 - m) * h
    out$i[t, , ] <- i; out$f[t, , ] <- f; out$g[t, , ] <- g; out$o[t, , ] <- o
    out$c[t, , ] <- c; out$h[t, , ] <- h
  }
  out
}

lstm_backward_example <- function(p, x, fwd, h0, c0, proj) {
  T <- dim(x)[1]; B <- dim(x)[2]; H <- ncol(h0)
  bwd <- list()
  for (k in c("dh", "do", "dc", "di", "df", "dg")) bwd[[k]] <- array(0, c(T, B, H))
  dz <- array(0, c(T, B, 4 * H))
  dh_next <- dc_next <- matrix(0, B, H)
  at <- function(a, t) matrix(a[t, , ], B)
  for (t in rev(seq_len(T))) {
    i <- at(fwd$i, t); f <- at(fwd$f, t); g <- at(fwd$g, t); o <- at(fwd$o, t); c <- at(fwd$c, t)
    c_prev <- if (t > 1) at(fwd$c, t - 1) else c0
    dh <- at(proj, t) + dh_next
    do <- dh * tanh(c) * o * (1 - o)
    dc <- dc_next + dh * o * (1 - tanh(c)^2)
    di <- dc * g * i * (1 - i); df <- dc * c_prev * f * (1 - f); dg <- dc * i * (1 - g^2)
    dz[t, , ] <- cbind(di, df, dg, do)
    bwd$dh[t, , ] <- dh; bwd$do[t, , ] <- do; bwd$dc[t, , ] <- dc
    bwd$di[t, , ] <- di; bwd$df[t, , ] <- df; bwd$dg[t, , ] <- dg
    dh_next <- at(dz, t) %*% t(p$U)
    dc_next <- dc * f
  }
  bwd$dx <- array(0, dim(x))
  grads <- list(dW = 0 * p$W, dU = 0 * p$U, db = 0 * p$b)
  for (t in seq_len(T)) {
    h_prev <- if (t > 1) at(fwd$h, t - 1) else h0
    bwd$dx[t, , ] <- at(dz, t) %*% t(p$W)
    grads$dW <- grads$dW + t(matrix(x[t, , ], B)) %*% at(dz, t)
    grads$dU <- grads$dU + t(h_prev) %*% at(dz, t)
    grads$db <- grads$db + colSums(at(dz, t))
  }
  bwd$dh0 <- dh_next; bwd$dc0 <- dc_next
  list(backward = bwd, grads = grads)
}

lstmparity_adapter <- function(case) {
  cfg <- case$config; p <- case$params; inp <- case$inputs
  T <- cfg$T; B <- cfg$B; H <- cfg$H
  x <- if (is.null(cfg$V)) inp$x else array(p$E[as.vector(inp$tokens), ], c(T, B, cfg$D))
  h0 <- if (is.null(inp$h0)) matrix(0, B, H) else inp$h0
  c0 <- if (is.null(inp$c0)) matrix(0, B, H) else inp$c0
  mask <- if (is.null(inp$mask)) matrix(1, T, B) else inp$mask
  fwd <- lstm_forward_example(p, x, h0, c0, mask)
  if (!is.null(cfg$V)) fwd <- c(list(x = x), fwd)
  result <- list(forward = fwd)
  if (cfg$head == "none" && is.null(inp$mask)) {
    result$forward$loss <- sum(inp$proj * fwd$h)
    result <- c(result, lstm_backward_example(p, x, fwd, h0, c0, inp$proj))
  }
  result
}
