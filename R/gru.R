# The GRU: one time step (forward, local derivatives, backward) and the layer over a sequence.
# Mirrors python/lstmparity/core/gru.py (same names, same arguments, same fields).

#' The GRU: step functions and layer
#'
#' Gate order r, z, n (PyTorch's): the three `H`-wide column blocks of `W`
#' (`c(D, 3H)`) and `U` (`c(H, 3H)`). Parameters `W, U, b` (length `3H`, the
#' input-side bias, PyTorch's `bias_ih + bias_hh` for r and z) and `b_hn`
#' (length `H`, the recurrent bias of n, which the reset gate multiplies).
#'
#' Two placements of the reset gate (`reset_after`):
#' \preformatted{
#' reset_after = TRUE  (PyTorch nn.GRU, Keras reset_after = TRUE, ONNX linear_before_reset = 1):
#'     hn = h_prev U_n + b_hn               a_n = xw_n + r * hn
#' reset_after = FALSE (Cho et al. 2014, Keras reset_after = FALSE, ONNX's default 0):
#'     hn = (r * h_prev) U_n + b_hn         a_n = xw_n + hn
#' }
#' Forward (`xw_t = x_t W + b`, `m` the mask of the step, 1 when absent):
#' \preformatted{
#' r  = sigmoid(xw_r + h_prev U_r)     z = sigmoid(xw_z + h_prev U_z)     n = tanh(a_n)
#' h~ = (1 - z) * n + z * h_prev
#' h  = m * h~ + (1 - m) * h_prev      (m = 0 at padded steps: carry the state)
#' }
#' Local derivatives and backward (`dr, dz, dn` = dL/da_r, dL/da_z, dL/da_n):
#' \preformatted{
#' dh_dn = m * (1 - z) * (1 - n^2)     dh_dz = m * (h_prev - n) * z * (1 - z)
#' dn_dr = hn * r * (1 - r)  (reset after)   or   h_prev * r * (1 - r)  (reset before)
#' dn = dh * dh_dn      dz = dh * dh_dz
#' reset after:  dhn = dn * r;  dr = dn * dn_dr;  dh_prev = [dr | dz | dhn] U^T + (m z + 1 - m) dh
#' reset before: dhn = dn;  drh = dn U_n^T;  dr = drh * dn_dr
#'               dh_prev = [dr | dz] U_rz^T + drh * r + (m z + 1 - m) dh
#' }
#'
#' @param xw_t matrix, dim `c(B, 3H)`: `x_t W + b` for this step.
#' @param h_prev matrix, dim `c(B, H)`: the state carried from step t-1.
#' @param U matrix, dim `c(H, 3H)`: recurrent weights, column blocks r, z, n.
#' @param b_hn numeric, length `H`.
#' @param m `NULL` (no mask) or numeric vector of length `B` with values 0/1.
#' @param reset_after `TRUE` (PyTorch's form, the default) or `FALSE` (Cho et al.).
#' @return `gru_step_forward()`: list(`r, z, n`: the gates, `h`: the carried
#'   state, `hn`: the recurrent term of n), each `c(B, H)`.
#' @examples
#' set.seed(1)
#' B <- 2; H <- 3; D <- 4
#' W <- matrix(rnorm(D * 3 * H), D); U <- matrix(rnorm(H * 3 * H), H)
#' s <- gru_step_forward(matrix(rnorm(B * D), B) %*% W, matrix(0, B, H), U, rep(0, H))
#' dim(s$h)
#' @name gru
#' @export
gru_step_forward <- function(xw_t, h_prev, U, b_hn, m = NULL, reset_after = TRUE) {
  H <- ncol(h_prev)
  r <- sigmoid(xw_t[, 1:H, drop = FALSE] + h_prev %*% U[, 1:H, drop = FALSE])
  z <- sigmoid(xw_t[, H + 1:H, drop = FALSE] + h_prev %*% U[, H + 1:H, drop = FALSE])
  Un <- U[, 2 * H + 1:H, drop = FALSE]
  if (reset_after) {
    hn <- sweep(h_prev %*% Un, 2, b_hn, `+`)
    n <- tanh(xw_t[, 2 * H + 1:H, drop = FALSE] + r * hn)
  } else {
    hn <- sweep((r * h_prev) %*% Un, 2, b_hn, `+`)
    n <- tanh(xw_t[, 2 * H + 1:H, drop = FALSE] + hn)
  }
  h <- (1 - z) * n + z * h_prev
  if (!is.null(m)) h <- m * h + (1 - m) * h_prev
  list(r = r, z = z, n = n, h = h, hn = hn)
}

#' @rdname gru
#' @param r,z,n,hn matrices `c(B, H)` (one step) or arrays `c(T, B, H)`: forward values.
#' @return `gru_local_grads()`: list(`dh_dn, dh_dz, dn_dr`), each the shape of `r`.
#' @export
gru_local_grads <- function(r, z, n, h_prev, hn, m = NULL, reset_after = TRUE) {
  dh_dn <- (1 - z) * (1 - n * n)
  dh_dz <- (h_prev - n) * z * (1 - z)
  if (!is.null(m)) { # padded steps: the new state is discarded, so no gradient reaches it
    dh_dn <- dh_dn * as.vector(m)
    dh_dz <- dh_dz * as.vector(m)
  }
  dn_dr <- (if (reset_after) hn else h_prev) * r * (1 - r)
  list(dh_dn = dh_dn, dh_dz = dh_dz, dn_dr = dn_dr)
}

#' @rdname gru
#' @param dh matrix `c(B, H)`: total dL/dh_t.
#' @param dh_dn,dh_dz,dn_dr matrices `c(B, H)`: this step's local derivatives.
#' @return `gru_step_backward()`: list(`dr, dz, dn, dhn, dh_prev`), each `c(B, H)`.
#' @export
gru_step_backward <- function(dh, dh_dn, dh_dz, dn_dr, r, z, U, m = NULL, reset_after = TRUE) {
  H <- ncol(dh)
  dn <- dh * dh_dn
  dz <- dh * dh_dz
  if (reset_after) {
    dhn <- dn * r # since a_n = xw_n + r * hn
    dr <- dn * dn_dr
    dh_prev <- tcrossprod(cbind(dr, dz, dhn, deparse.level = 0), U)
  } else {
    dhn <- dn # a_n = xw_n + hn, hn = (r * h_prev) U_n + b_hn
    drh <- tcrossprod(dn, U[, 2 * H + 1:H, drop = FALSE])
    dr <- drh * dn_dr
    dh_prev <- tcrossprod(cbind(dr, dz, deparse.level = 0), U[, 1:(2 * H), drop = FALSE]) + drh * r
  }
  dh_prev <- dh_prev + dh * (if (is.null(m)) z else m * z + (1 - m))
  list(dr = dr, dz = dz, dn = dn, dhn = dhn, dh_prev = dh_prev)
}

#' @rdname gru
#' @param x matrix `c(T * B, D)`: the x_t of all steps, rows step by step.
#' @param hr matrix `c(T * B, H)`: the input of U's n block (`h_prev`, or
#'   r * h_prev when reset before), the same rows.
#' @param dz_x matrix `c(T * B, 3H)`: `[dr | dz | dn]`, the same rows.
#' @param dhn matrix `c(T * B, H)`, the same rows.
#' @return `gru_param_grads()`: list(`dW, dU, db, db_hn`).
#' @export
gru_param_grads <- function(x, h_prev, hr, dz_x, dhn) {
  H <- ncol(h_prev)
  dW <- crossprod(x, dz_x)
  dU <- cbind(crossprod(h_prev, dz_x[, 1:(2 * H), drop = FALSE]), crossprod(hr, dhn), deparse.level = 0)
  list(dW = dW, dU = dU, db = colSums(dz_x), db_hn = colSums(dhn))
}

#' @rdname gru
#' @param W matrix `c(D, 3H)`: input weights.
#' @param b numeric, length `3H`: the input-side bias.
#' @param h0 `NULL` (zeros) or matrix `c(B, H)`.
#' @param mask `NULL` or matrix `c(T, B)` of 0/1.
#' @param step_forward the step function (default `gru_step_forward()`).
#' @return `gru_forward()`: list(`out`: list(`r, z, n, h`), each a list of T
#'   matrices `c(B, H)`; `cache` for [gru_backward()]).
#' @export
gru_forward <- function(x, W, U, b, b_hn, h0 = NULL, mask = NULL, reset_after = TRUE,
                        step_forward = gru_step_forward) {
  d <- dim(x); T <- d[1]; B <- d[2]
  H <- nrow(U)
  h <- if (is.null(h0)) matrix(0, B, H) else h0
  x_t <- unstack_steps(x)
  h_prev <- steps <- vector("list", T)
  for (t in seq_len(T)) {
    m <- if (is.null(mask)) NULL else mask[t, ]
    h_prev[[t]] <- h
    xw <- sweep(x_t[[t]] %*% W, 2, b, `+`)
    s <- step_forward(xw, h, U, b_hn, m, reset_after)
    h <- s$h
    steps[[t]] <- s
  }
  out <- lapply(c(r = "r", z = "z", n = "n", h = "h"), function(name) lapply(steps, `[[`, name))
  list(out = out, cache = list(W = W, U = U, mask = mask, x = x_t, h_prev = h_prev, steps = steps,
                               reset_after = reset_after))
}

#' @rdname gru
#' @param dh_head array `c(T, B, H)`: dL/dh_t from the head.
#' @param cache the `cache` of [gru_forward()].
#' @param step_backward,local_grads,param_grads the blocks (defaults: the
#'   `gru_` functions above); a mutant swaps one.
#' @return `gru_backward()`: list(`trace`: list(`dh, dn, dz, dr, dx` (lists of
#'   T matrices), `dh0`); `grads`: list(`dW, dU, db, db_hn`)).
#' @export
gru_backward <- function(dh_head, cache, step_backward = gru_step_backward, local_grads = gru_local_grads,
                         param_grads = gru_param_grads) {
  d <- dim(dh_head); T <- d[1]; B <- d[2]; H <- d[3]
  ra <- cache$reset_after
  trace <- list(dh = vector("list", T))
  trace[c("dn", "dz", "dr")] <- trace["dh"] # in trace order
  dz_x <- dhn <- hr <- vector("list", T)
  dh_head <- unstack_steps(dh_head)
  dh_next <- matrix(0, B, H)
  for (t in rev(seq_len(T))) {
    m <- if (is.null(cache$mask)) NULL else cache$mask[t, ]
    st <- cache$steps[[t]]
    hp <- cache$h_prev[[t]]
    local <- local_grads(st$r, st$z, st$n, hp, st$hn, m, ra)
    dh <- dh_head[[t]] + dh_next # total dL/dh_t
    s <- step_backward(dh, local$dh_dn, local$dh_dz, local$dn_dr, st$r, st$z, cache$U, m, ra)
    trace$dh[[t]] <- dh
    for (k in c("dr", "dz", "dn")) trace[[k]][[t]] <- s[[k]]
    dz_x[[t]] <- cbind(s$dr, s$dz, s$dn, deparse.level = 0)
    dhn[[t]] <- s$dhn
    hr[[t]] <- if (ra) hp else st$r * hp
    dh_next <- s$dh_prev
  }
  dz_x <- do.call(rbind, dz_x) # (T * B, 3H), rows step by step
  dx <- tcrossprod(dz_x, cache$W)
  trace$dx <- lapply(seq_len(T), function(t) dx[(t - 1) * B + seq_len(B), , drop = FALSE])
  trace$dh0 <- dh_next
  grads <- param_grads(do.call(rbind, cache$x), do.call(rbind, cache$h_prev), do.call(rbind, hr),
                           dz_x, do.call(rbind, dhn))
  list(trace = trace, grads = grads)
}
