# A student's LSTM layer, written fresh the way a thesis student would: one
# weight matrix per gate on cbind(x, h) and one bias per gate, 1-based steps,
# record() calls inside the loops. No mask, no embedding, no head.
# student_backward(..., bug = TRUE) forgets the forget gate in the cell-state carry.

sigm <- function(z) 1 / (1 + exp(-z))

student_forward <- function(x, h0, c0, P, rec) {
  T <- dim(x)[1]
  B <- dim(x)[2]
  H <- ncol(P$W_i)
  h <- if (is.null(h0)) matrix(0, B, H) else h0
  c <- if (is.null(c0)) matrix(0, B, H) else c0
  steps <- list()
  for (t in 1:T) {
    xh <- cbind(matrix(x[t, , ], B), h)
    i <- sigm(xh %*% P$W_i + rep(P$b_i, each = B))
    f <- sigm(xh %*% P$W_f + rep(P$b_f, each = B))
    g <- tanh(xh %*% P$W_g + rep(P$b_g, each = B))
    o <- sigm(xh %*% P$W_o + rep(P$b_o, each = B))
    c_prev <- c
    c <- f * c + i * g
    h <- o * tanh(c)
    steps[[t]] <- list(xh = xh, i = i, f = f, g = g, o = o, c = c, c_prev = c_prev)
    for (k in c("i", "f", "g", "o", "c")) record(rec, k, t, steps[[t]][[k]])
    record(rec, "h", t, h)
  }
  steps
}

student_backward <- function(steps, dh_head, P, rec, bug = FALSE) {
  B <- nrow(steps[[1]]$i)
  H <- ncol(steps[[1]]$i)
  D <- nrow(P$W_i) - H
  dW <- lapply(P, function(w) 0 * w)
  dh_next <- matrix(0, B, H)
  dc_next <- matrix(0, B, H)
  for (t in rev(seq_along(steps))) {
    s <- steps[[t]]
    dh <- matrix(dh_head[t, , ], B) + dh_next
    do <- dh * tanh(s$c) * s$o * (1 - s$o)
    dc <- dh * s$o * (1 - tanh(s$c)^2) + dc_next
    di <- dc * s$g * s$i * (1 - s$i)
    df <- dc * s$c_prev * s$f * (1 - s$f)
    dg <- dc * s$i * (1 - s$g^2)
    dz <- list(i = di, f = df, g = dg, o = do)
    dxh <- 0
    for (k in names(dz)) {
      dxh <- dxh + dz[[k]] %*% t(P[[paste0("W_", k)]])
      dW[[paste0("W_", k)]] <- dW[[paste0("W_", k)]] + t(s$xh) %*% dz[[k]]
      dW[[paste0("b_", k)]] <- dW[[paste0("b_", k)]] + colSums(dz[[k]])
    }
    dh_next <- dxh[, D + 1:H, drop = FALSE]
    dc_next <- if (bug) dc else dc * s$f
    for (k in c("dh", "do", "dc", "di", "df", "dg")) record(rec, k, t, get(k))
    record(rec, "dx", t, dxh[, 1:D, drop = FALSE])
  }
  record(rec, "dh0", NULL, dh_next)
  record(rec, "dc0", NULL, dc_next)
  for (k in names(dW)) record(rec, paste0("grads.", k), NULL, dW[[k]])
}
