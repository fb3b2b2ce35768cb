# An LSTM layer over a whole sequence: the step functions of cell.R in a loop over time.
# Mirrors python/lstmparity/layer.py.
#
# The loops only carry what depends on time; each step's values are kept in
# lists and stacked into (T, B, .) arrays once, after the loop. The parameter
# gradients are one matrix product each, over all T * B rows, after the
# backward loop. Three differences from the NumPy code, all for speed in R and
# none changing a formula:
# - x_t W + b is computed at the top of each step, as [1 | x_t] [b; W] (one
#   product; slicing step t out of a precomputed (T * B, 4H) product costs R
#   more than the product itself);
# - the local derivatives are computed step by step inside the backward loop,
#   on the step's own (B, H) matrices;
# - the matrix products call BLAS directly (options(matprod = "blas") for the
#   duration of the call): R's default first scans both operands for NaN, which
#   for these small per-step products costs about as much as the product.

#' An LSTM layer over a sequence, forward
#'
#' Runs the step function for t = 1..T, with `xw_t = x_t W + b`.
#'
#' @param x array, dim `c(T, B, D)`.
#' @param W matrix, dim `c(D, 4H)`: input weights, column blocks i, f, g, o.
#' @param U matrix, dim `c(H, 4H)`: recurrent weights.
#' @param b numeric vector, length `4H`.
#' @param h0,c0 `NULL` (zeros) or matrices, dim `c(B, H)`: the initial state.
#' @param mask `NULL` (all steps valid) or matrix, dim `c(T, B)`, of 0/1.
#' @param step_forward the step function (default [lstm_step_forward()]).
#' @return list(`out`: list(`i, f, g, o, c, h`), each an array of dim `c(T, B, H)`
#'   (`c`, `h` are the carried states c_t, h_t); `cache`: what [lstm_backward()]
#'   needs: `x, W, U, mask`, `h_prev` (`c(T, B, H)`, h_{t-1} for every t), and
#'   per step (lists of T matrices) `c_prev` (c_{t-1}) and `steps` (what the
#'   step function returned)).
#' @seealso [lstm_backward()]
#' @export
lstm_forward <- function(x, W, U, b, h0 = NULL, c0 = NULL, mask = NULL,
                         step_forward = lstm_step_forward) {
  old <- options(matprod = "blas")
  on.exit(options(old))
  d <- dim(x); T <- d[1]; B <- d[2]
  H <- nrow(U)
  bW <- rbind(b, W, deparse.level = 0) # x_t W + b = [1 | x_t] [b; W]
  h <- if (is.null(h0)) matrix(0, B, H) else h0
  c <- if (is.null(c0)) matrix(0, B, H) else c0
  x_t <- unstack_steps(x) # x_t of every step, (B, D) each
  h_prev <- c_prev <- steps <- vector("list", T)
  for (t in seq_len(T)) {
    m <- if (is.null(mask)) NULL else mask[t, ]
    h_prev[[t]] <- h
    c_prev[[t]] <- c
    xw_t <- cbind(1, x_t[[t]], deparse.level = 0) %*% bW # (B, 4H)
    s <- step_forward(xw_t, h, c, U, m)
    h <- s$h
    c <- s$c
    steps[[t]] <- s
  }
  out <- lapply(c(i = "i", f = "f", g = "g", o = "o", c = "c", h = "h"),
                function(name) stack_steps(lapply(steps, `[[`, name)))
  list(out = out, cache = list(x = x, W = W, U = U, mask = mask, h_prev = stack_steps(h_prev),
                               c_prev = c_prev, steps = steps))
}

#' Parameter gradients of the LSTM layer, summed over all steps
#'
#' One matrix product over all `T * B` rows, after the backward loop:
#' \preformatted{
#' dW = sum_t x_t^T dz_t      dU = sum_t h_{t-1}^T dz_t      db = sum_t sum_b dz_t
#' }
#'
#' @param x array, dim `c(T, B, D)`: the inputs x_t.
#' @param h_prev array, dim `c(T, B, H)`: h_{t-1} for every t.
#' @param dz array, dim `c(T, B, 4H)`: gradients of the gate pre-activations,
#'   `[di | df | dg | do]`.
#' @return list(`dW`: `c(D, 4H)`, `dU`: `c(H, 4H)`, `db`: length `4H`).
#' @export
lstm_param_grads <- function(x, h_prev, dz) {
  dz <- as_rows(dz) # (T * B, 4H): one row per (t, b)
  dW <- crossprod(as_rows(x), dz)
  dU <- crossprod(as_rows(h_prev), dz)
  db <- colSums(dz)
  list(dW = dW, dU = dU, db = db)
}

#' An LSTM layer over a sequence, backward (backpropagation through time)
#'
#' Runs [lstm_local_grads()] and the step function for t = T..1, then
#' \preformatted{
#' dx_t = dz_t W^T                    (all steps in one product)
#' dW, dU, db                         see lstm_param_grads()
#' }
#'
#' @param dh_head array, dim `c(T, B, H)`: dL/dh_t coming from the head
#'   (zero where the head does not look).
#' @param cache the `cache` returned by [lstm_forward()].
#' @param step_backward the step function (default [lstm_step_backward()]).
#' @param local_grads the local-derivative function (default [lstm_local_grads()]).
#' @param param_grads the parameter-gradient function (default [lstm_param_grads()]).
#' @return list(`trace`: list(`dh, do, dc, di, df, dg` (each `c(T, B, H)`),
#'   `dx` (`c(T, B, D)`), `dh0, dc0` (`c(B, H)`)); `grads`: list(`dW, dU, db`)).
#' @seealso [lstm_forward()]
#' @export
lstm_backward <- function(dh_head, cache, step_backward = lstm_step_backward,
                          local_grads = lstm_local_grads, param_grads = lstm_param_grads) {
  old <- options(matprod = "blas")
  on.exit(options(old))
  d <- dim(dh_head); T <- d[1]; B <- d[2]; H <- d[3]
  per_step <- list(dh = vector("list", T))
  per_step[c("do", "dc", "di", "df", "dg")] <- per_step["dh"]
  dh_head <- unstack_steps(dh_head) # (B, H) each
  dh_next <- dc_next <- matrix(0, B, H)
  for (t in rev(seq_len(T))) {
    m <- if (is.null(cache$mask)) NULL else cache$mask[t, ]
    st <- cache$steps[[t]]
    local <- local_grads(st$i, st$f, st$g, st$o, cache$c_prev[[t]], st$tanh_c, m)
    dh <- dh_head[[t]] + dh_next # total dL/dh_t
    s <- step_backward(dh, dc_next, local$dh_do, local$dh_dc, local$dc_di, local$dc_df,
                       local$dc_dg, st$f, cache$U, m)
    per_step$dh[[t]] <- dh
    for (n in c("do", "dc", "di", "df", "dg")) per_step[[n]][[t]] <- s[[n]]
    dh_next <- s$dh_prev
    dc_next <- s$dc_prev
  }
  trace <- lapply(per_step, stack_steps) # (T, B, H) each
  dz <- c(trace$di, trace$df, trace$dg, trace$do) # [di | df | dg | do] ...
  dim(dz) <- c(T, B, 4 * H) # ... (T, B, 4H): a (T, B, .) array is its last axis' blocks in a row
  trace$dx <- from_rows(tcrossprod(as_rows(dz), cache$W), T, B)
  trace$dh0 <- dh_next
  trace$dc0 <- dc_next
  grads <- param_grads(cache$x, cache$h_prev, dz)
  list(trace = trace, grads = grads)
}
