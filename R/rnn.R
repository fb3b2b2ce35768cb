# The vanilla (Elman) RNN: one time step (forward, local derivative, backward) and the layer.
# Mirrors python/lstmparity/core/rnn.py (same names, same arguments, same fields).

#' The vanilla (Elman, tanh) RNN: step functions and layer
#'
#' One block: `W` (`c(D, H)`), `U` (`c(H, H)`), `b` (length `H`, PyTorch's
#' `bias_ih + bias_hh`).
#' \preformatted{
#' g = tanh(xw_t + h_prev U)                xw_t = x_t W + b
#' h = m * g + (1 - m) * h_prev             (m = 0 at padded steps: carry the state)
#' dh_dg = m * (1 - g^2)
#' dg = dh * dh_dg;   dh_prev = dg U^T + (1 - m) * dh
#' dW = sum_t x_t^T dg_t;   dU = sum_t h_{t-1}^T dg_t;   db = sum dg;   dx_t = dg_t W^T
#' }
#' The gradient reaching h_{t-k} is a product of k factors diag(1 - g^2) U^T:
#' it vanishes (or explodes) geometrically.
#'
#' @param xw_t matrix `c(B, H)`: `x_t W + b`.
#' @param h_prev matrix `c(B, H)`.
#' @param U matrix `c(H, H)`.
#' @param m `NULL` or numeric vector of length `B` (0/1).
#' @return `rnn_step_forward()`: list(`g`, `h`), each `c(B, H)`.
#' @examples
#' set.seed(1)
#' U <- matrix(rnorm(9), 3)
#' s <- rnn_step_forward(matrix(rnorm(6), 2), matrix(0, 2, 3), U)
#' s$h
#' @name rnn
#' @export
rnn_step_forward <- function(xw_t, h_prev, U, m = NULL) {
  g <- tanh(xw_t + h_prev %*% U)
  h <- if (is.null(m)) g else m * g + (1 - m) * h_prev
  list(g = g, h = h)
}

#' @rdname rnn
#' @param g matrix `c(B, H)` or array `c(T, B, H)`: tanh of the pre-activation.
#' @return `rnn_local_grads()`: list(`dh_dg`), the shape of `g`.
#' @export
rnn_local_grads <- function(g, m = NULL) {
  dh_dg <- 1 - g * g
  if (!is.null(m)) dh_dg <- dh_dg * as.vector(m)
  list(dh_dg = dh_dg)
}

#' @rdname rnn
#' @param dh matrix `c(B, H)`: total dL/dh_t.
#' @param dh_dg matrix `c(B, H)`.
#' @return `rnn_step_backward()`: list(`dg`, `dh_prev`), each `c(B, H)`.
#' @export
rnn_step_backward <- function(dh, dh_dg, U, m = NULL) {
  dg <- dh * dh_dg
  dh_prev <- tcrossprod(dg, U)
  if (!is.null(m)) dh_prev <- dh_prev + (1 - m) * dh
  list(dg = dg, dh_prev = dh_prev)
}

#' @rdname rnn
#' @param x matrix `c(T * B, D)`: the x_t of all steps, rows step by step.
#' @param dz matrix `c(T * B, H)`: dg of all steps.
#' @return `rnn_param_grads()`: list(`dW, dU, db`).
#' @export
rnn_param_grads <- function(x, h_prev, dz) {
  list(dW = crossprod(x, dz), dU = crossprod(h_prev, dz), db = colSums(dz))
}

#' @rdname rnn
#' @param W matrix `c(D, H)`.
#' @param b numeric, length `H`.
#' @param h0 `NULL` (zeros) or matrix `c(B, H)`.
#' @param mask `NULL` or matrix `c(T, B)` of 0/1.
#' @param step_forward the step function (default `rnn_step_forward()`).
#' @return `rnn_forward()`: list(`out`: list(`g, h`), lists of T matrices;
#'   `cache` for [rnn_backward()]).
#' @export
rnn_forward <- function(x, W, U, b, h0 = NULL, mask = NULL, step_forward = rnn_step_forward) {
  d <- dim(x); T <- d[1]; B <- d[2]
  H <- nrow(U)
  h <- if (is.null(h0)) matrix(0, B, H) else h0
  x_t <- unstack_steps(x)
  h_prev <- steps <- vector("list", T)
  for (t in seq_len(T)) {
    m <- if (is.null(mask)) NULL else mask[t, ]
    h_prev[[t]] <- h
    s <- step_forward(sweep(x_t[[t]] %*% W, 2, b, `+`), h, U, m)
    h <- s$h
    steps[[t]] <- s
  }
  out <- lapply(c(g = "g", h = "h"), function(name) lapply(steps, `[[`, name))
  list(out = out, cache = list(W = W, U = U, mask = mask, x = x_t, h_prev = h_prev, steps = steps))
}

#' @rdname rnn
#' @param dh_head array `c(T, B, H)`: dL/dh_t from the head.
#' @param cache the `cache` of [rnn_forward()].
#' @param step_backward,local_grads,param_grads the blocks (defaults: the
#'   `rnn_` functions above); a mutant swaps one.
#' @return `rnn_backward()`: list(`trace`: list(`dh, dg, dx` (lists of T
#'   matrices), `dh0`); `grads`: list(`dW, dU, db`)).
#' @export
rnn_backward <- function(dh_head, cache, step_backward = rnn_step_backward, local_grads = rnn_local_grads,
                         param_grads = rnn_param_grads) {
  d <- dim(dh_head); T <- d[1]; B <- d[2]; H <- d[3]
  trace <- list(dh = vector("list", T), dg = vector("list", T))
  dh_head <- unstack_steps(dh_head)
  dh_next <- matrix(0, B, H)
  for (t in rev(seq_len(T))) {
    m <- if (is.null(cache$mask)) NULL else cache$mask[t, ]
    dh_dg <- local_grads(cache$steps[[t]]$g, m)$dh_dg
    dh <- dh_head[[t]] + dh_next
    s <- step_backward(dh, dh_dg, cache$U, m)
    trace$dh[[t]] <- dh
    trace$dg[[t]] <- s$dg
    dh_next <- s$dh_prev
  }
  dz <- do.call(rbind, trace$dg)
  dx <- tcrossprod(dz, cache$W)
  trace$dx <- lapply(seq_len(T), function(t) dx[(t - 1) * B + seq_len(B), , drop = FALSE])
  trace$dh0 <- dh_next
  list(trace = trace, grads = param_grads(do.call(rbind, cache$x), do.call(rbind, cache$h_prev), dz))
}
