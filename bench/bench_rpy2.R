# The R side of `lstmparity bench`: time the R port's forward + backward inside R,
# so that no Python <-> R bridge is counted. Sourced through rpy2 by
# python/lstmparity/bench/peers.py (RPeer): bench_load() once, bench_prepare() per shape.
# (bench/bench_r.R is the stand-alone R benchmark: `Rscript bench/bench_r.R B T D H`.)
#
# Data: x, dL/dh ~ N(0, 1) (dh_head plays the part of a random projection of
# the outputs); W, U, b ~ N(0, 1/H). No mask, zero initial state.

# The R implementation: lstmparity_source() when R/source.R defines it, else
# sys.source() of every file in r_dir into one new environment; then the functions
# of a forward + backward pass are byte-compiled, as R CMD INSTALL compiles an
# installed package's. (Left to R's JIT, a second copy of the same code loaded into
# the same R process, as bench/compare_r.R loads them, is never compiled: the JIT
# finds the first copy's code in its cache, compiled for another environment, and
# runs the second copy's closures uncompiled, 30-50% slower at the Hamlet shape. The
# JIT also never compiles very small closures such as sigmoid().)
bench_load <- function(r_dir) {
  src <- file.path(r_dir, "source.R")
  if (file.exists(src)) {
    loader <- new.env()
    sys.source(src, envir = loader, keep.source = FALSE)
    env <- loader$lstmparity_source(r_dir)
  } else {
    env <- new.env(parent = globalenv())
    for (f in sort(list.files(r_dir, pattern = "\\.[Rr]$", full.names = TRUE))) {
      sys.source(f, envir = env, keep.source = FALSE)
    }
  }
  for (name in intersect(BENCH_PASS_FUNCTIONS, ls(env))) env[[name]] <- compiler::cmpfun(env[[name]])
  env
}

# What one forward + backward of the layer calls (R/layer.R, R/cell.R, R/activations.R,
# R/arrays.R; older versions of R/ lack some, which is fine).
BENCH_PASS_FUNCTIONS <- c("lstm_forward", "lstm_backward", "lstm_step_forward", "lstm_local_grads",
                          "lstm_step_backward", "lstm_param_grads", "sigmoid", "unstack_steps",
                          "split_steps", "step_rows", "rows_of_steps", "steps_of_rows", "pick_steps")

bench_data <- function(B, T, D, H, seed = 1L) {
  set.seed(seed)
  s <- 1 / sqrt(H)
  list(x = array(rnorm(T * B * D), c(T, B, D)),
       W = matrix(rnorm(D * 4 * H) * s, D, 4 * H),
       U = matrix(rnorm(H * 4 * H) * s, H, 4 * H),
       b = rnorm(4 * H) * s,
       dh = array(rnorm(T * B * H), c(T, B, H)))
}

# A closure that runs `n` forward + backward passes of shape (B, T, D, H) and
# returns c(wall seconds, CPU seconds (user + system, all threads)) of all n,
# measured with proc.time() around the loop. The caller (RPeer in
# python/lstmparity/bench/peers.py) warms up, picks n so that a chunk lasts
# >= 20 ms (proc.time() counts milliseconds) and interleaves the repetitions.
bench_prepare <- function(impl, B, T, D, H) {
  d <- bench_data(B, T, D, H)
  timed_loop(function() {
    fw <- impl$lstm_forward(d$x, d$W, d$U, d$b)
    impl$lstm_backward(d$dh, fw$cache)
  })
}

# function(n): runs run() n times and returns c(wall seconds, CPU seconds) of all n.
timed_loop <- function(run) {
  function(n) {
    t0 <- proc.time()
    for (k in seq_len(n)) run()
    t1 <- proc.time() - t0
    c(t1[["elapsed"]], t1[["user.self"]] + t1[["sys.self"]])
  }
}

# The bare arithmetic of one forward + backward in base R, nothing else: an
# approximate lower bound for any base-R implementation at this shape (the
# `r-floor` row of `lstmparity bench`). No trace, no checks, no function calls
# per step; every matrix product calls BLAS directly. It starts from what the
# port gets, x and dL/dh as (T, B, .) arrays, and computes the port's numbers:
# Per step forward: one product [1 | x_t | h_{t-1}] [b; W; U], sigmoid of all
# four blocks, tanh of the g block, c_t, tanh(c_t), h_t. Per step backward: dh,
# dc, dz = [di | df | dg | do], dz U^T, dc * f. After the loop: [db; dW; dU] in
# one product over all rows, and dx (as rows: no per-step re-layout).
# Two things the floor once did and no longer does, because they skipped work the
# port must do (docs/bench.md, "The R floor"): taking x and dL/dh already split into
# steps before the clock started, and tanh(z) as 2 sigmoid(2z) - 1 (cheaper, but its
# relative error grows to 1e-4 as z -> 0, so it is not the port's arithmetic).
bench_floor <- function(B, T, D, H) {
  d <- bench_data(B, T, D, H)
  bWU <- rbind(d$b, d$W, d$U, deparse.level = 0)
  U <- d$U
  W <- d$W
  gi <- 1:H; gf <- H + 1:H; gg <- 2 * H + 1:H; go <- 3 * H + 1:H
  run <- function() {
    x <- aperm(d$x, c(2L, 3L, 1L)) # (B, D, T): step t is column t of a (B * D, T) matrix
    dim(x) <- c(B * D, T)
    dh_head <- aperm(d$dh, c(2L, 3L, 1L))
    dim(dh_head) <- c(B * H, T)
    xh <- gates <- c_prev <- tanh_c <- dz <- vector("list", T)
    h <- c <- matrix(0, B, H)
    for (t in seq_len(T)) {
      x_t <- x[, t]
      dim(x_t) <- c(B, D)
      xh[[t]] <- cbind(1, x_t, h, deparse.level = 0)
      z <- xh[[t]] %*% bWU
      s <- 1 / (1 + exp(-z))
      gates[[t]] <- list(i = s[, gi], f = s[, gf], g = tanh(z[, gg]), o = s[, go])
      c_prev[[t]] <- c
      c <- gates[[t]]$f * c + gates[[t]]$i * gates[[t]]$g
      tanh_c[[t]] <- tanh(c)
      h <- gates[[t]]$o * tanh_c[[t]]
    }
    dh_next <- dc_next <- matrix(0, B, H)
    for (t in rev(seq_len(T))) {
      i <- gates[[t]]$i; f <- gates[[t]]$f; g <- gates[[t]]$g; o <- gates[[t]]$o; tc <- tanh_c[[t]]
      dh <- dh_head[, t] + dh_next
      dc <- dc_next + dh * o * (1 - tc * tc)
      dz[[t]] <- cbind(dc * g * i * (1 - i), dc * c_prev[[t]] * f * (1 - f), dc * i * (1 - g * g),
                       dh * tc * o * (1 - o), deparse.level = 0)
      dh_next <- tcrossprod(dz[[t]], U)
      dc_next <- dc * f
    }
    dz <- do.call(rbind, dz) # (T * B, 4H), rows step by step: (t - 1) * B + b
    list(grads = crossprod(do.call(rbind, xh), dz), dx = tcrossprod(dz, W))
  }
  list(run = run, data = d)
}

# The timing closure of the floor (as bench_prepare() for the port).
bench_prepare_floor <- function(B, T, D, H) {
  run <- bench_floor(B, T, D, H)$run
  timed_loop(function() {
    old <- options(matprod = "blas")
    on.exit(options(old))
    run()
  })
}

# The floor computes what the port computes: the largest relative difference
# (max |floor - port| / max |port|) over [db; dW; dU] and dx. Run by
# tests/python/test_bench.py, so that a floor that skipped work would show.
bench_floor_check <- function(impl, B, T, D, H) {
  f <- bench_floor(B, T, D, H)
  d <- f$data
  floor <- f$run()
  fw <- impl$lstm_forward(d$x, d$W, d$U, d$b)
  bw <- impl$lstm_backward(d$dh, fw$cache)
  port_grads <- rbind(bw$grads$db, bw$grads$dW, bw$grads$dU, deparse.level = 0)
  port_dx <- do.call(rbind, bw$trace$dx) # rows step by step, as the floor's
  rel <- function(a, b) max(abs(a - b)) / max(abs(b))
  max(rel(floor$grads, port_grads), rel(floor$dx, port_dx))
}
