# Buggy copies of lstm_step_backward() (R/cell.R) about what is carried between steps (# BUG:).
# Mirrors conformance/mutants/carried.py.

hidden_grad_not_carried <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc
  do <- dh * dh_do
  di <- dc * dc_di; df <- dc * dc_df; dg <- dc * dc_dg
  dh_prev <- 0 * dh # BUG: dh_next never updated: nothing flows back through h
  dc_prev <- dc * f
  if (!is.null(m)) dc_prev <- dc_prev + (1 - m) * dc_next
  list(dc = dc, di = di, df = df, dg = dg, do = do, dh_prev = dh_prev, dc_prev = dc_prev)
}

cell_grad_doubled <- function(dh, dc_next, dh_do, dh_dc, dc_di, dc_df, dc_dg, f, U, m = NULL) {
  dc <- (if (is.null(m)) dc_next else m * dc_next) + dh * dh_dc
  dc <- dc + dc # BUG: `dc += dc` (meant: dc += dc_next)
  do <- dh * dh_do
  di <- dc * dc_di; df <- dc * dc_df; dg <- dc * dc_dg
  dz <- cbind(di, df, dg, do, deparse.level = 0)
  dh_prev <- tcrossprod(dz, U)
  dc_prev <- dc * f
  if (!is.null(m)) {
    dh_prev <- dh_prev + (1 - m) * dh
    dc_prev <- dc_prev + (1 - m) * dc_next
  }
  list(dc = dc, di = di, df = df, dg = dg, do = do, dh_prev = dh_prev, dc_prev = dc_prev)
}
