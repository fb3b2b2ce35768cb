# From-scratch LSTMs in R, with one optional bug each: adapters for the diagnosis tests.
#
# Independent of the lstmparity R package. scratch_adapter(bug) returns an adapter
# function(case) for head "none" without a mask (loss = sum(proj * h)), written
# units-as-rows: every state is an (H, B) matrix and the weights are used
# transposed (z = t(W) x_t + t(U) h + b), the layout of many textbook derivations.
# thesis_adapter is the R thesis's backward pass: every elementwise product of the
# backward written as a matrix product %*%, which runs only when B == H.
# None of these bugs is in the mutation catalogue.

scratch_sigmoid <- function(z) 1 / (1 + exp(-z))

scratch_run <- function(case, bug = "none") {
  p <- case$params; x <- case$inputs$x; proj <- case$inputs$proj
  T <- dim(x)[1]; B <- dim(x)[2]; H <- nrow(p$U)
  rows <- list(i = 1:H, f = H + 1:H, g = 2 * H + 1:H, o = 3 * H + 1:H)
  Wt <- lapply(rows, function(r) t(p$W[, r, drop = FALSE])) # (H, D) per gate
  Ut <- lapply(rows, function(r) t(p$U[, r, drop = FALSE])) # (H, H) per gate
  b <- lapply(rows, function(r) p$b[r])
  if (bug == "bias_twice") b <- lapply(b, function(v) 2 * v) # b_ih and b_hh both loaded with b
  g_act <- if (bug == "g_sigmoid") scratch_sigmoid else tanh
  h0 <- if (is.null(case$inputs$h0)) matrix(0, H, B) else t(case$inputs$h0)
  c0 <- if (is.null(case$inputs$c0)) matrix(0, H, B) else t(case$inputs$c0)
  xt <- function(t) t(matrix(x[t, , ], B)) # (D, B)
  st <- list(i = list(), f = list(), g = list(), o = list(), c = list(), h = list())
  h <- h0; cc <- c0
  for (t in seq_len(T)) {
    zz <- lapply(names(rows), function(k) Wt[[k]] %*% xt(t) + Ut[[k]] %*% h + b[[k]])
    names(zz) <- names(rows)
    i <- scratch_sigmoid(zz$i); f <- scratch_sigmoid(zz$f); g <- g_act(zz$g); o <- scratch_sigmoid(zz$o)
    cc <- f * cc + i * g
    h <- o * tanh(cc)
    st$i[[t]] <- i; st$f[[t]] <- f; st$g[[t]] <- g; st$o[[t]] <- o; st$c[[t]] <- cc; st$h[[t]] <- h
    st$zg[[t]] <- zz$g
  }
  bw <- list(dh = list(), do = list(), dc = list(), di = list(), df = list(), dg = list(), dx = list())
  dW <- lapply(rows, function(r) matrix(0, H, dim(x)[3])); dU <- lapply(rows, function(r) matrix(0, H, H))
  db <- lapply(rows, function(r) numeric(H))
  dh_next <- dc_next <- matrix(0, H, B)
  for (t in rev(seq_len(T))) {
    i <- st$i[[t]]; f <- st$f[[t]]; g <- st$g[[t]]; o <- st$o[[t]]; cc <- st$c[[t]]
    c_prev <- if (t > 1) st$c[[t - 1]] else c0
    h_prev <- if (t > 1) st$h[[t - 1]] else h0
    dh <- t(matrix(proj[t, , ], B)) + dh_next
    do <- dh * tanh(cc) * o * (1 - o)
    dc <- dh * o * (1 - tanh(cc)^2) + dc_next
    di <- dc * g * i * (1 - i)
    df <- dc * c_prev * f * (1 - f)
    dg <- dc * i * (if (bug == "dg_preactivation") 1 - st$zg[[t]]^2 else 1 - g^2)
    d <- list(i = di, f = df, g = dg, o = do)
    for (k in names(rows)) {
      dW[[k]] <- dW[[k]] + d[[k]] %*% t(xt(t))
      dU[[k]] <- dU[[k]] + d[[k]] %*% t(h_prev)
      db[[k]] <- db[[k]] + rowSums(d[[k]])
    }
    bw$dh[[t]] <- dh; bw$do[[t]] <- do; bw$dc[[t]] <- dc; bw$di[[t]] <- di; bw$df[[t]] <- df; bw$dg[[t]] <- dg
    bw$dx[[t]] <- Reduce(`+`, lapply(names(rows), function(k) t(Wt[[k]]) %*% d[[k]]))
    dh_next <- Reduce(`+`, lapply(names(rows), function(k) t(Ut[[k]]) %*% d[[k]]))
    dc_next <- dc * f
  }
  db_order <- if (bug == "db_gate_order") c("i", "f", "o", "g") else names(rows)
  stack <- function(l) aperm(simplify2array(lapply(l, t)), c(3, 1, 2)) # list of T (H, B) -> (T, B, H)
  list(forward = c(lapply(st[c("i", "f", "g", "o", "c", "h")], stack), list(loss = sum(proj * stack(st$h)))),
       backward = c(lapply(bw, stack), list(dh0 = t(dh_next), dc0 = t(dc_next))),
       grads = list(dW = t(do.call(rbind, dW)), dU = t(do.call(rbind, dU)),
                    db = unlist(db[db_order], use.names = FALSE)))
}

scratch_adapter <- function(bug) function(case) scratch_run(case, bug)

# The thesis's backward pass: `%*%` wherever the equations multiply elementwise. Batch-major (B, H) matrices.
thesis_adapter <- function(case) {
  p <- case$params; x <- case$inputs$x; proj <- case$inputs$proj
  T <- dim(x)[1]; B <- dim(x)[2]; H <- nrow(p$U)
  act <- list(); h <- matrix(0, B, H); cell <- matrix(0, B, H)
  for (t in seq_len(T)) {
    z <- matrix(x[t, , ], B) %*% p$W + h %*% p$U + matrix(p$b, B, 4 * H, byrow = TRUE)
    ia <- scratch_sigmoid(z[, 1:H, drop = FALSE]); fa <- scratch_sigmoid(z[, H + 1:H, drop = FALSE])
    ga <- tanh(z[, 2 * H + 1:H, drop = FALSE]); oa <- scratch_sigmoid(z[, 3 * H + 1:H, drop = FALSE])
    prev_cell <- cell
    cell <- fa * prev_cell + ia * ga
    h <- oa * tanh(cell)
    act[[t]] <- list(ia = ia, fa = fa, ga = ga, oa = oa, cell = cell, prev_cell = prev_cell, h = h)
  }
  steps <- function(l, k) aperm(simplify2array(lapply(l, `[[`, k)), c(3, 1, 2)) # list of T (B, H) -> (T, B, H)
  out <- list(forward = lapply(c(i = "ia", f = "fa", g = "ga", o = "oa", c = "cell", h = "h"), steps, l = act))
  bw <- list()
  dh_next <- cell_next <- matrix(0, B, H)
  for (t in rev(seq_len(T))) {
    a <- act[[t]]
    error <- matrix(proj[t, , ], B) + dh_next
    eo <- error * tanh(a$cell)
    do <- eo %*% (a$oa * (1 - a$oa)) # %*% where * belongs: runs only when B == H
    cell_error <- error * a$oa * (1 - tanh(a$cell)^2) + cell_next
    di <- (cell_error * a$ga) %*% (a$ia * (1 - a$ia))
    df <- (cell_error * a$prev_cell) %*% (a$fa * (1 - a$fa))
    dg <- (cell_error * a$ia) %*% (1 - a$ga^2)
    bw[[t]] <- list(dh = error, do = do, dc = cell_error, di = di, df = df, dg = dg)
    dh_next <- cbind(di, df, dg, do) %*% t(p$U)
    cell_next <- cell_error * a$fa
  }
  out$backward <- lapply(c(dh = "dh", do = "do", dc = "dc", di = "di", df = "df", dg = "dg"), steps, l = bw)
  out
}

# `lstmparity conform --impl r:conformance/tests/scratch_lstm.R` runs the thesis's backward.
lstmparity_adapter <- thesis_adapter
