# Buggy copies of the backward blocks of R/cell.R (lstm_local_grads(), lstm_step_backward()):
# each is the reference with one bug (# BUG:). Mirrors conformance/mutants/backward.py.
# Sourced by the conformance runner into an environment whose parent holds the R implementation.

# The reference's last lines (dz, dh_prev, dc_prev), shared by the copies whose bug is above them.
finish_step <- function(dc, di, df, dg, do, dh, dc_next, f, U, m) {
  dz <- cbind(di, df, dg, do, deparse.level = 0)
  dh_prev <- tcrossprod(dz, U)
  dc_prev <- dc * f
  if (!is.null(m)) {
    dh_prev <- dh_prev + (1 - m) * dh
    dc_prev <- dc_prev + (1 - m) * dc_next
  }
  list(dc = dc, di = di, df = df, dg = dg, do = do, dh_prev = dh_prev, dc_prev = dc_prev)
}

tanh_on_cell_grad <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- tanh((if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc) # BUG: tanh applied to the cell gradient
  do <- dh * dh_do
  finish_step(dc, dc * dc_di, dc * dc_df, dc * dc_dg, do, dh, dc_next, f, U, m)
}

matmul_for_elementwise <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc
  do <- dh %*% dh_do # BUG: a matrix product (runs when B == H) for the elementwise do = dh * dh_do
  finish_step(dc, dc * dc_di, dc * dc_df, dc * dc_dg, do, dh, dc_next, f, U, m)
}

carry_without_forget_gate <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc
  do <- dh * dh_do
  di <- dc * dc_di
  df <- dc * dc_df
  dg <- dc * dc_dg
  dz <- cbind(di, df, dg, do, deparse.level = 0)
  dh_prev <- tcrossprod(dz, U)
  dc_prev <- dc # BUG: the carried cell gradient is not multiplied by the forget gate
  if (!is.null(m)) {
    dh_prev <- dh_prev + (1 - m) * dh
    dc_prev <- dc_prev + (1 - m) * dc_next
  }
  list(dc = dc, di = di, df = df, dg = dg, do = do, dh_prev = dh_prev, dc_prev = dc_prev)
}

next_cell_grad_dropped <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- dh * dh_dc # BUG: the next step's cell gradient dc_next is never added
  do <- dh * dh_do
  finish_step(dc, dc * dc_di, dc * dc_df, dc * dc_dg, do, dh, dc_next, f, U, m)
}

# list(step_forward, local_grads): the reference step recording z (recording_z(), forward.R), and
# local_grads taking the pre-activation z of its step from rec$z (the backward pass visits the
# steps last to first, so it takes the last one recorded).
sigmoid_grad_on_preactivation <- function(case) {
  rec <- new.env() # what the recording step saw during this run
  local_grads <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
    H <- ncol(o)
    z <- rec$z[[length(rec$z)]]
    rec$z[[length(rec$z)]] <- NULL
    z_o <- z[, 3 * H + 1:H, drop = FALSE]
    dh_do <- tanh_c * z_o * (1 - z_o) # BUG: s * (1 - s) taken on the pre-activation z_o, not on o
    dh_dc <- o * (1 - tanh_c * tanh_c)
    if (!is.null(m)) {
      dh_do <- dh_do * as.vector(m)
      dh_dc <- dh_dc * as.vector(m)
    }
    list(dh_do = dh_do, dh_dc = dh_dc, dc_di = g * i * (1 - i), dc_df = c_prev * f * (1 - f),
         dc_dg = i * (1 - g * g))
  }
  list(step_forward = recording_z(case$config$T, rec), local_grads = local_grads)
}

cell_state_for_previous <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dh_do <- tanh_c * o * (1 - o)
  dh_dc <- o * (1 - tanh_c * tanh_c)
  if (!is.null(m)) {
    dh_do <- dh_do * as.vector(m)
    dh_dc <- dh_dc * as.vector(m)
  }
  c <- f * c_prev + i * g # c~_t
  dc_di <- g * i * (1 - i)
  dc_df <- c * f * (1 - f) # BUG: c_t where c_{t-1} belongs
  dc_dg <- i * (1 - g * g)
  list(dh_do = dh_do, dh_dc = dh_dc, dc_di = dc_di, dc_df = dc_df, dc_dg = dc_dg)
}

tanh_prime_dropped <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dh_do <- tanh_c * o * (1 - o)
  dh_dc <- o # BUG: the tanh'(c~) = 1 - tanh(c~)^2 factor is dropped
  if (!is.null(m)) {
    dh_do <- dh_do * as.vector(m)
    dh_dc <- dh_dc * as.vector(m)
  }
  dc_di <- g * i * (1 - i)
  dc_df <- c_prev * f * (1 - f)
  dc_dg <- i * (1 - g * g)
  list(dh_do = dh_do, dh_dc = dh_dc, dc_di = dc_di, dc_df = dc_df, dc_dg = dc_dg)
}

mask_ignored <- function(i, f, g, o, c_prev, tanh_c, m = NULL) {
  dh_do <- tanh_c * o * (1 - o)
  dh_dc <- o * (1 - tanh_c * tanh_c)
  # BUG: no `dh_do * m`, `dh_dc * m`: padded steps (m = 0) still send gradient into the gates
  dc_di <- g * i * (1 - i)
  dc_df <- c_prev * f * (1 - f)
  dc_dg <- i * (1 - g * g)
  list(dh_do = dh_do, dh_dc = dh_dc, dc_di = dc_di, dc_df = dc_df, dc_dg = dc_dg)
}
