# An LSTM layer over a whole sequence: the step functions of cell.R in a loop over time.
# Mirrors python/lstmparity/core/layer.py.
#
# The loops only carry what depends on time. Per-step values stay what the
# step functions return, (B, .) matrices, in lists of T: `out$h[[t]]` here is
# `out["h"][t]` in Python. (Stacking them into (T, B, .) arrays costs R a
# transpose each, about as much as the arithmetic of a whole backward step
# loop; stack_steps() does it when an array is wanted.) Each loop keeps what the
# step function returned, one list per step, and picks the trace out of them
# once after the loop (pick_steps(): one unlist(), not an R call per step: at
# small shapes an R function call costs more than the arithmetic of a step).
# Whole arrays are re-laid once, outside the loops: x into rows step by step
# (step_rows()), the per-step lists into such rows for dz and h_{t-1}
# (rows_of_steps()), dx from rows back into steps (steps_of_rows()).
# The parameter gradients are one matrix product each, over all T * B rows, after
# the backward loop. Three more differences from the NumPy code, all for speed in R and none
# changing a formula:
# - x_t W + b is computed at the top of each step, as [1 | x_t] [b; W] (one
#   product of the step's rows of [1 | x]; slicing step t out of a precomputed
#   (T * B, 4H) product costs R more than the product itself);
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
#' @return list(`out`: list(`i, f, g, o, c, h`), each a list of T matrices, dim
#'   `c(B, H)`: `out$h[[t]]` is h_t (`c`, `h` are the carried states c_t, h_t;
#'   [stack_steps()] makes a `c(T, B, H)` array of one); `cache`: what
#'   [lstm_backward()] needs: `W, U, mask`; `x`, dim `c(T * B, D)`, the x_t
#'   of all steps as rows step by step (row `(t - 1) * B + b`); and per step
#'   (lists of T matrices) `h_prev`, `c_prev` (h_{t-1}, c_{t-1}) and `steps`
#'   (what the step function returned)).
#' @seealso [lstm_backward()]
#' @export
lstm_forward <- function(x, W, U, b, h0 = NULL, c0 = NULL, mask = NULL,
                         step_forward = lstm_step_forward) {
  old <- options(matprod = "blas")
  on.exit(options(old))
  d <- dim(x); T <- d[1]; B <- d[2]
  H <- nrow(U)
  x <- step_rows(x) # (T * B, D), rows step by step: the rows of step t are (t - 1) * B + 1:B
  x1 <- cbind(1, x, deparse.level = 0) # [1 | x_t] of every step, for x_t W + b = [1 | x_t] [b; W]
  bW <- rbind(b, W, deparse.level = 0)
  h <- if (is.null(h0)) matrix(0, B, H) else h0
  c <- if (is.null(c0)) matrix(0, B, H) else c0
  h_prev <- c_prev <- steps <- vector("list", T)
  for (t in seq_len(T)) {
    m <- if (is.null(mask)) NULL else mask[t, ]
    h_prev[[t]] <- h
    c_prev[[t]] <- c
    s <- step_forward(x1[(t - 1) * B + seq_len(B), , drop = FALSE] %*% bW, h, c, U, m) # the rows of step t
    h <- s$h
    c <- s$c
    steps[[t]] <- s
  }
  out <- pick_steps(steps, c("i", "f", "g", "o", "c", "h"))
  list(out = out, cache = list(W = W, U = U, mask = mask, x = x, h_prev = h_prev,
                               c_prev = c_prev, steps = steps))
}

#' Parameter gradients of the LSTM layer, summed over all steps
#'
#' One matrix product over all `T * B` rows, after the backward loop:
#' \preformatted{
#' dW = sum_t x_t^T dz_t      dU = sum_t h_{t-1}^T dz_t      db = sum_t sum_b dz_t
#' }
#'
#' @param x matrix, dim `c(T * B, D)`: the x_t of all steps, one row per (t, b).
#' @param h_prev matrix, dim `c(T * B, H)`: h_{t-1}, the same rows.
#' @param dz matrix, dim `c(T * B, 4H)`: gradients of the gate pre-activations,
#'   `[di | df | dg | do]`, the same rows. ([lstm_backward()] stacks the steps
#'   with `rbind()`: row `(t - 1) * B + b`; any order works if it is the same in
#'   all three.)
#' @return list(`dW`: `c(D, 4H)`, `dU`: `c(H, 4H)`, `db`: length `4H`).
#' @examples
#' x <- matrix(1:6 / 10, 3, 2)          # 3 rows (T * B), D = 2
#' h_prev <- matrix(0, 3, 1)            # H = 1
#' dz <- matrix(1, 3, 4)                # [di | df | dg | do]
#' lstm_param_grads(x, h_prev, dz)$dW   # each column: the column sums of x
#' @export
lstm_param_grads <- function(x, h_prev, dz) {
  # All three in one product: [x | h_prev | 1]^T dz stacks dW, dU and db (= 1^T dz) row-wise.
  D <- ncol(x)
  H <- ncol(h_prev)
  g <- crossprod(cbind(x, h_prev, 1, deparse.level = 0), dz)
  list(dW = g[1:D, , drop = FALSE], dU = g[D + 1:H, , drop = FALSE], db = g[D + H + 1, ])
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
#' @return list(`trace`: list(`dh, do, dc, di, df, dg` (each a list of T
#'   matrices, `c(B, H)`), `dx` (a list of T matrices, `c(B, D)`), `dh0, dc0`
#'   (`c(B, H)`)); `grads`: list(`dW, dU, db`)).
#' @examples
#' T <- 5; B <- 2; D <- 3; H <- 4
#' set.seed(1)
#' x <- array(rnorm(T * B * D), c(T, B, D))
#' W <- matrix(rnorm(D * 4 * H) / 2, D); U <- matrix(rnorm(H * 4 * H) / 2, H); b <- numeric(4 * H)
#' fwd <- lstm_forward(x, W, U, b)
#' h <- stack_steps(fwd$out$h)            # dim c(T, B, H)
#' bwd <- lstm_backward(array(1, c(T, B, H)), fwd$cache)  # L = sum(h)
#' # dL/dW[1, 1] by central differences agrees with the backward pass:
#' e <- 1e-6; W2 <- W; W2[1, 1] <- W[1, 1] + e; W3 <- W; W3[1, 1] <- W[1, 1] - e
#' loss <- function(W) sum(stack_steps(lstm_forward(x, W, U, b)$out$h))
#' c(backward = bwd$grads$dW[1, 1], numerical = (loss(W2) - loss(W3)) / (2 * e))
#' @seealso [lstm_forward()]
#' @export
lstm_backward <- function(dh_head, cache, step_backward = lstm_step_backward,
                          local_grads = lstm_local_grads, param_grads = lstm_param_grads) {
  old <- options(matprod = "blas")
  on.exit(options(old))
  d <- dim(dh_head); T <- d[1]; B <- d[2]; H <- d[3]
  dh_head <- aperm(dh_head, c(2L, 3L, 1L)) # (B, H, T)
  dim(dh_head) <- c(B * H, T) # column t: dL/dh_t from the head, (B, H) in memory order
  U <- cache$U; mask <- cache$mask; fwd <- cache$steps; c_prev <- cache$c_prev
  dh <- steps <- vector("list", T)
  dh_next <- dc_next <- matrix(0, B, H)
  for (t in rev(seq_len(T))) {
    m <- if (is.null(mask)) NULL else mask[t, ]
    st <- fwd[[t]]
    local <- local_grads(st$i, st$f, st$g, st$o, c_prev[[t]], st$tanh_c, m)
    dh_t <- dh_head[, t] + dh_next # total dL/dh_t, (B, H) (the dims come from dh_next)
    s <- step_backward(dh_t, dc_next, local$dh_do, local$dh_dc, local$dc_di, local$dc_df,
                       local$dc_dg, st$f, U, m)
    dh[[t]] <- dh_t
    steps[[t]] <- s
    dh_next <- s$dh_prev
    dc_next <- s$dc_prev
  }
  trace <- c(list(dh = dh), pick_steps(steps, c("do", "dc", "di", "df", "dg")))
  # dz = [di | df | dg | do], (T * B, 4H), rows step by step: (t - 1) * B + b
  dz <- cbind(rows_of_steps(trace$di), rows_of_steps(trace$df), rows_of_steps(trace$dg),
              rows_of_steps(trace$do), deparse.level = 0)
  trace$dx <- steps_of_rows(tcrossprod(dz, cache$W), T) # dx_t = dz_t W^T, all steps in one product
  trace$dh0 <- dh_next
  trace$dc0 <- dc_next
  grads <- param_grads(cache$x, rows_of_steps(cache$h_prev), dz)
  list(trace = trace, grads = grads)
}
