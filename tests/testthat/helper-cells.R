# Shared by test-gru.R and test-rnn.R: random per-gate-different parameters, the loss
# L = sum(proj * h), and Richardson-extrapolated central differences of it.

cell_case <- function(cell, T = 4, B = 3, D = 5, H = 2, seed = 1) {
  set.seed(seed)
  G <- if (cell == "gru") 3 else 1
  p <- list(W = matrix(rnorm(D * G * H) * 0.7, D), U = matrix(rnorm(H * G * H) * 0.7, H),
            b = rnorm(G * H) * 0.5)
  if (cell == "gru") p$b_hn <- rnorm(H) * 0.5
  list(p = p, x = array(rnorm(T * B * D), c(T, B, D)), h0 = matrix(rnorm(B * H) * 0.5, B),
       proj = array(rnorm(T * B * H), c(T, B, H)),
       mask = matrix(c(1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1), T, B))
}

cell_run <- function(cell, p, x, h0, proj, mask, reset_after = TRUE) {
  fwd <- if (cell == "gru") {
    do.call(gru_forward, c(list(x), p, list(h0 = h0, mask = mask, reset_after = reset_after)))
  } else {
    do.call(rnn_forward, c(list(x), p, list(h0 = h0, mask = mask)))
  }
  h <- stack_steps(fwd$out$h)
  list(loss = sum(h * proj), fwd = fwd)
}

# dL/d(every parameter), dL/dh0, dL/dx; error O(eps^4).
cell_numerical <- function(cell, case, mask, reset_after = TRUE, eps = 1e-3) {
  loss_with <- function(p, x, h0) cell_run(cell, p, x, h0, case$proj, mask, reset_after)$loss
  central <- function(set, v, k, e) {
    vp <- v; vp[k] <- v[k] + e
    vm <- v; vm[k] <- v[k] - e
    (set(vp) - set(vm)) / (2 * e)
  }
  grad_of <- function(v, set) {
    g <- v
    for (k in seq_along(v)) g[k] <- (4 * central(set, v, k, eps / 2) - central(set, v, k, eps)) / 3
    g
  }
  out <- list()
  for (name in names(case$p)) {
    out[[paste0("d", name)]] <- grad_of(case$p[[name]], function(v) {
      p <- case$p; p[[name]] <- v; loss_with(p, case$x, case$h0)
    })
  }
  out$dh0 <- grad_of(case$h0, function(v) loss_with(case$p, case$x, v))
  out$dx <- grad_of(case$x, function(v) loss_with(case$p, v, case$h0))
  out
}

rel_err <- function(a, n) {
  num <- max(abs(a - n))
  if (num == 0) 0 else num / max(abs(a) + abs(n))
}
