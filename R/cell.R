# One LSTM time step: the forward pass, its local derivatives, and its backward pass.
# Mirrors python/lstmparity/core/cell.py: the same step API (function names, argument
# order, return names and shapes; named lists here, NamedTuples there) and the
# same order of lines.

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
#' @return list(`i, f, g, o`: the gate activations; `c`, `h`: the carried
#'   state; `tanh_c`: tanh(c~)), each dim `c(B, H)`.
#' @examples
#' # The one-unit worked example (fixtures/one_unit_worked_example.json):
#' # x_t = 1, h_{t-1} = 1, c_{t-1} = 2; weights in gate order i, f, g, o.
#' W <- matrix(c(1.65, 1.63, 0.94, -0.19), 1)
#' U <- matrix(c(2.00, 2.70, 1.41, 4.38), 1)
#' b <- c(0.62, 1.62, -0.32, 0.59)
#' s <- lstm_step_forward(1 %*% W + b, h_prev = matrix(1), c_prev = matrix(2), U = U)
#' unlist(s)            # f = 0.9974, i = 0.9862, ..., c = 2.9476, h = 0.9862
#' @seealso [lstm_local_grads()], [lstm_step_backward()], [lstm_forward()]
#' @export
lstm_step_forward <- function(xw_t, h_prev, c_prev, U, m = NULL) {
  H <- dim(h_prev)[2]
  z <- h_prev %*% U + xw_t
  g <- tanh(z[, (2 * H + 1):(3 * H), drop = FALSE])
  a <- sigmoid(z) # i, f, o: one call over all four blocks is faster than three (a's g block is unused)
  i <- a[, 1:H, drop = FALSE]
  f <- a[, (H + 1):(2 * H), drop = FALSE]
  o <- a[, (3 * H + 1):(4 * H), drop = FALSE]
  c <- f * c_prev + i * g
  tanh_c <- tanh(c)
  h <- o * tanh_c
  if (!is.null(m)) {
    h <- m * h + (1 - m) * h_prev
    c <- m * c + (1 - m) * c_prev
  }
  list(i = i, f = f, g = g, o = o, c = c, h = h, tanh_c = tanh_c)
}

#' Local derivatives of every step
#'
#' They depend only on forward values, and the function is elementwise: it takes
#' the matrices of one step or the arrays of all steps alike. Python's layer calls
#' it once on `(T, B, H)` arrays before the backward loop; the R layer calls it
#' for one step at a time inside the loop, on the step's own (B, H) matrices,
#' which saves slicing every step out of (T, B, H) arrays (the numbers are the same):
#' \preformatted{
#' dh_do = m * tanh(c~) * o * (1 - o)         d h~ / d z_o
#' dh_dc = m * o * (1 - tanh(c~)^2)           d h~ / d c~
#' dc_di = g * i * (1 - i)                    d c~ / d z_i
#' dc_df = c_prev * f * (1 - f)               d c~ / d z_f
#' dc_dg = i * (1 - g^2)                      d c~ / d z_g
#' }
#'
#' @param i,f,g,o,c_prev,tanh_c matrices, dim `c(B, H)` (one step), or arrays,
#'   dim `c(T, B, H)` (all steps).
#' @param m `NULL`, or 0/1 of length `B` (one step) or dim `c(T, B)` (all steps).
#' @return list(`dh_do`, `dh_dc`, `dc_di`, `dc_df`, `dc_dg`), each the shape of `i`.
#' @examples
#' set.seed(1)
#' B <- 2; H <- 3
#' s <- lstm_step_forward(matrix(rnorm(B * 4 * H), B), matrix(0, B, H), matrix(1, B, H),
#'                        U = matrix(rnorm(H * 4 * H), H))
#' local <- lstm_local_grads(s$i, s$f, s$g, s$o, c_prev = matrix(1, B, H), s$tanh_c)
#' local$dc_df          # dc~/dz_f = c_{t-1} * f * (1 - f)
#' @export
lstm_local_grads <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dh_do <- tanh_c * o * (1 - o)
  dh_dc <- o * (1 - tanh_c * tanh_c)
  if (!is.null(m)) { # padded steps: the new state is discarded, so no gradient reaches it
    dh_do <- dh_do * as.vector(m) # m recycles over the last axis (j)
    dh_dc <- dh_dc * as.vector(m)
  }
  dc_di <- g * i * (1 - i)
  dc_df <- c_prev * f * (1 - f)
  dc_dg <- i * (1 - g * g)
  list(dh_do = dh_do, dh_dc = dh_dc, dc_di = dc_di, dc_df = dc_df, dc_dg = dc_dg)
}

#' One LSTM time step, backward
#'
#' The forward lines of [lstm_step_forward()], in reverse, with this step's
#' local derivatives from [lstm_local_grads()]:
#' \preformatted{
#' dc = m * dc_next + dh * dh_dc
#' do = dh * dh_do
#' di = dc * dc_di      df = dc * dc_df      dg = dc * dc_dg
#' dz = [di | df | dg | do]
#' dh_prev = dz U^T + (1 - m) * dh
#' dc_prev = dc * f + (1 - m) * dc_next
#' }
#'
#' @param dh matrix, dim `c(B, H)`: total dL/dh_t (from the head at t and from step t+1).
#' @param dc_next matrix, dim `c(B, H)`: dL/dc_t carried from step t+1.
#' @param dh_do,dh_dc,dc_di,dc_df,dc_dg matrices, dim `c(B, H)`: this step's
#'   local derivatives.
#' @param f matrix, dim `c(B, H)`: this step's forget gate.
#' @param U matrix, dim `c(H, 4H)`.
#' @param m `NULL` or numeric vector of length `B`.
#' @return list(`dc`; `di, df, dg, do`: the blocks of `dz`; `dh_prev`,
#'   `dc_prev`: what goes to step t-1), each dim `c(B, H)`. (The layer assembles
#'   `dz = [di | df | dg | do]` itself.)
#' @examples
#' set.seed(1)
#' B <- 2; H <- 3
#' U <- matrix(rnorm(H * 4 * H), H)
#' c_prev <- matrix(rnorm(B * H), B)
#' s <- lstm_step_forward(matrix(rnorm(B * 4 * H), B), matrix(0, B, H), c_prev, U)
#' local <- lstm_local_grads(s$i, s$f, s$g, s$o, c_prev, s$tanh_c)
#' # The last step of a loss L = sum(h_t): dh = 1, nothing comes from step t+1.
#' back <- lstm_step_backward(dh = matrix(1, B, H), dc_next = matrix(0, B, H), local$dh_do,
#'                            local$dh_dc, local$dc_di, local$dc_df, local$dc_dg, s$f, U)
#' back$dc_prev         # dL/dc_{t-1} = dc * f
#' @seealso [lstm_step_forward()], [lstm_backward()]
#' @export
lstm_step_backward <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc # h~ = o * tanh(c~)
  do <- dh * dh_do
  di <- dc * dc_di
  df <- dc * dc_df
  dg <- dc * dc_dg
  dz <- c(di, df, dg, do) # [di | df | dg | do]: R stores columns one after another, so the blocks are
  dim(dz) <- dim(di) * c(1L, 4L) # concatenated as they are and only need the dims (B, 4H) (cheaper than cbind())
  dh_prev <- tcrossprod(dz, U) # z = xw_t + h_prev U
  dc_prev <- dc * f # c~ = f * c_prev + i * g
  if (!is.null(m)) {
    dh_prev <- dh_prev + (1 - m) * dh
    dc_prev <- dc_prev + (1 - m) * dc_next
  }
  list(dc = dc, di = di, df = df, dg = dg, do = do, dh_prev = dh_prev, dc_prev = dc_prev)
}
