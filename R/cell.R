# One LSTM time step: the forward pass and, right below it, its backward pass.
# Mirrors python/lstmparity/cell.py (same names, same order of lines).

#' One LSTM time step, forward
#'
#' Gate order is i, f, g, o (PyTorch's): the four `H`-wide column blocks of `z`.
#'
#' Equations (forward), `*` elementwise, `m` the mask of the step (1 when absent):
#' \preformatted{
#' z  = xw_t + h_prev U                 (B, 4H); xw_t = x_t W + b, precomputed
#' i  = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_g)   o = sigmoid(z_o)
#' c~ = f * c_prev + i * g
#' h~ = o * tanh(c~)
#' c  = m * c~ + (1 - m) * c_prev       (m = 0 at padded steps: carry the state)
#' h  = m * h~ + (1 - m) * h_prev
#' }
#'
#' @param xw_t matrix, dim `c(B, 4H)`: `x_t W + b` for this step.
#' @param h_prev,c_prev matrices, dim `c(B, H)`: the state carried from step t-1.
#' @param U matrix, dim `c(H, 4H)`: recurrent weights, column blocks i, f, g, o.
#' @param m `NULL` (no mask) or numeric vector of length `B` with values 0/1.
#' @return list(`h`, `c`: dim `c(B, H)`; `cache`: list(`i, f, g, o, c_prev, tanh_c`
#'   (each `c(B, H)`), `m`) for [lstm_step_backward()]).
#' @seealso [lstm_step_backward()], [lstm_forward()]
#' @export
lstm_step_forward <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- ncol(h_prev)
  z <- xw_t + h_prev %*% U
  a <- sigmoid(z) # i, f, o are sigmoids; g is taken by tanh below
  i <- a[, 1:H, drop = FALSE]
  f <- a[, H + 1:H, drop = FALSE]
  o <- a[, 3 * H + 1:H, drop = FALSE]
  g <- tanh(z[, 2 * H + 1:H, drop = FALSE])
  c_new <- f * c_prev + i * g
  tanh_c <- tanh(c_new)
  h_new <- o * tanh_c
  if (is.null(m)) {
    h <- h_new
    c <- c_new
  } else {
    h <- m * h_new + (1 - m) * h_prev
    c <- m * c_new + (1 - m) * c_prev
  }
  list(h = h, c = c,
       cache = list(i = i, f = f, g = g, o = o, c_prev = c_prev, tanh_c = tanh_c, m = m))
}

#' One LSTM time step, backward
#'
#' The forward lines of [lstm_step_forward()], in reverse.
#'
#' Equations (backward):
#' \preformatted{
#' do = m * dh * tanh(c~) * o * (1 - o)
#' dc = m * (dc_next + dh * o * (1 - tanh(c~)^2))
#' di = dc * g * i * (1 - i)
#' df = dc * c_prev * f * (1 - f)
#' dg = dc * i * (1 - g^2)
#' dz = [di | df | dg | do]
#' dh_prev = dz U^T + (1 - m) * dh
#' dc_prev = dc * f + (1 - m) * dc_next
#' }
#'
#' @param dh matrix, dim `c(B, H)`: total dL/dh_t (from the head at t and from step t+1).
#' @param dc_next matrix, dim `c(B, H)`: dL/dc_t carried from step t+1.
#' @param cache the `cache` element returned by [lstm_step_forward()].
#' @param U matrix, dim `c(H, 4H)`.
#' @return list(`do, dc, di, df, dg`: dim `c(B, H)`; `dz`: dim `c(B, 4H)`;
#'   `dh_prev, dc_prev`: dim `c(B, H)`).
#' @seealso [lstm_step_forward()], [lstm_backward()]
#' @export
lstm_step_backward <- function(dh, dc_next, cache, U) {
  i <- cache$i; f <- cache$f; g <- cache$g; o <- cache$o
  c_prev <- cache$c_prev; tanh_c <- cache$tanh_c; m <- cache$m
  dh_new <- if (is.null(m)) dh else m * dh # padded steps: no gradient into the new state
  dc_in <- if (is.null(m)) dc_next else m * dc_next
  do <- dh_new * tanh_c * o * (1 - o) # h~ = o * tanh(c~)
  dc <- dc_in + dh_new * o * (1 - tanh_c * tanh_c)
  di <- dc * g * i * (1 - i) # c~ = f * c_prev + i * g
  df <- dc * c_prev * f * (1 - f)
  dg <- dc * i * (1 - g * g)
  dz <- cbind(di, df, dg, do, deparse.level = 0)
  dh_prev <- tcrossprod(dz, U) # z = xw_t + h_prev U
  dc_prev <- dc * f
  if (!is.null(m)) {
    dh_prev <- dh_prev + (1 - m) * dh
    dc_prev <- dc_prev + (1 - m) * dc_next
  }
  list(do = do, dc = dc, di = di, df = df, dg = dg, dz = dz,
       dh_prev = dh_prev, dc_prev = dc_prev)
}
