# An LSTM layer over a whole sequence: the step functions of cell.R in a loop over time.
# Mirrors python/lstmparity/layer.py.

#' An LSTM layer over a sequence, forward
#'
#' Runs [lstm_step_forward()] for t = 1..T. The input projection `x_t W + b` is
#' done for all steps in one matrix product before the loop; the loop only
#' carries what truly depends on time.
#'
#' @param x array, dim `c(T, B, D)`.
#' @param W matrix, dim `c(D, 4H)`: input weights, column blocks i, f, g, o.
#' @param U matrix, dim `c(H, 4H)`: recurrent weights.
#' @param b numeric vector, length `4H`.
#' @param h0,c0 `NULL` (zeros) or matrices, dim `c(B, H)`: the initial state.
#' @param mask `NULL` (all steps valid) or matrix, dim `c(T, B)`, of 0/1.
#' @param step_forward the step function (default [lstm_step_forward()]).
#' @return list(`out`: list(`i, f, g, o, c, h`), each an array of dim `c(T, B, H)`
#'   (`c`, `h` are the carried states c_t, h_t); `cache`: what [lstm_backward()] needs).
#' @seealso [lstm_backward()]
#' @export
lstm_forward <- function(x, W, U, b, h0 = NULL, c0 = NULL, mask = NULL,
                         step_forward = lstm_step_forward) {
  d <- dim(x); T <- d[1]; B <- d[2]
  H <- nrow(U)
  h <- if (is.null(h0)) matrix(0, B, H) else h0
  c <- if (is.null(c0)) matrix(0, B, H) else c0
  xw <- from_rows(as_rows(x) %*% W + rep(b, each = T * B), T, B) # x_t W + b for all t
  h_all <- c_all <- h_prev <- array(0, c(T, B, H))
  steps <- vector("list", T)
  for (t in seq_len(T)) {
    m <- if (is.null(mask)) NULL else mask[t, ]
    h_prev[t, , ] <- h
    s <- step_forward(step_slice(xw, t), h, c, U, m)
    h <- s$h
    c <- s$c
    h_all[t, , ] <- h
    c_all[t, , ] <- c
    steps[[t]] <- s$cache
  }
  out <- lapply(c(i = "i", f = "f", g = "g", o = "o"),
                function(name) stack_steps(lapply(steps, `[[`, name)))
  out$c <- c_all
  out$h <- h_all
  list(out = out, cache = list(x = x, W = W, U = U, h_prev = h_prev, steps = steps))
}

#' Parameter gradients of the LSTM layer, summed over all steps
#'
#' One matrix product over all `T * B` rows, after the backward loop:
#' \preformatted{
#' dW = sum_t x_t^T dz_t      dU = sum_t h_{t-1}^T dz_t      db = sum_t sum_b dz_t
#' }
#'
#' @param x array, dim `c(T, B, D)`.
#' @param h_prev array, dim `c(T, B, H)`: h_{t-1} for every t.
#' @param dz array, dim `c(T, B, 4H)`: gradients of the gate pre-activations.
#' @return list(`dW`: `c(D, 4H)`, `dU`: `c(H, 4H)`, `db`: length `4H`).
#' @export
lstm_param_grads <- function(x, h_prev, dz) {
  dz2 <- as_rows(dz)
  dW <- crossprod(as_rows(x), dz2)
  dU <- crossprod(as_rows(h_prev), dz2)
  db <- colSums(dz2)
  list(dW = dW, dU = dU, db = db)
}

#' An LSTM layer over a sequence, backward (backpropagation through time)
#'
#' Runs [lstm_step_backward()] for t = T..1, then
#' \preformatted{
#' dx_t = dz_t W^T                    (all steps in one product)
#' dW, dU, db                         see lstm_param_grads()
#' }
#'
#' @param dh_head array, dim `c(T, B, H)`: dL/dh_t coming from the head
#'   (zero where the head does not look).
#' @param cache the `cache` returned by [lstm_forward()].
#' @param step_backward the step function (default [lstm_step_backward()]).
#' @param param_grads the parameter-gradient function (default [lstm_param_grads()]).
#' @return list(`trace`: list(`dh, do, dc, di, df, dg` (each `c(T, B, H)`),
#'   `dx` (`c(T, B, D)`), `dh0, dc0` (`c(B, H)`)); `grads`: list(`dW, dU, db`)).
#' @seealso [lstm_forward()]
#' @export
lstm_backward <- function(dh_head, cache, step_backward = lstm_step_backward,
                          param_grads = lstm_param_grads) {
  d <- dim(dh_head); T <- d[1]; B <- d[2]; H <- d[3]
  dz <- array(0, c(T, B, 4 * H))
  trace <- list(dh = dz[, , 1:H, drop = FALSE])
  trace$do <- trace$dc <- trace$di <- trace$df <- trace$dg <- trace$dh
  trace <- trace[c("dh", "do", "dc", "di", "df", "dg")]
  dh_next <- dc_next <- matrix(0, B, H)
  for (t in rev(seq_len(T))) {
    dh <- step_slice(dh_head, t) + dh_next # total dL/dh_t
    s <- step_backward(dh, dc_next, cache$steps[[t]], cache$U)
    trace$dh[t, , ] <- dh; trace$do[t, , ] <- s$do; trace$dc[t, , ] <- s$dc
    trace$di[t, , ] <- s$di; trace$df[t, , ] <- s$df; trace$dg[t, , ] <- s$dg
    dz[t, , ] <- s$dz
    dh_next <- s$dh_prev
    dc_next <- s$dc_prev
  }
  trace$dx <- from_rows(tcrossprod(as_rows(dz), cache$W), T, B)
  trace$dh0 <- dh_next
  trace$dc0 <- dc_next
  list(trace = trace, grads = param_grads(cache$x, cache$h_prev, dz))
}
