# The R side of `lstmparity bench`: time the R port's forward + backward inside R,
# so that no Python <-> R bridge is counted. Sourced through rpy2 by
# python/lstmparity/bench_peers.py (RPeer): bench_load() once, bench_time() per shape.
# (bench/bench_r.R is the stand-alone R benchmark: `Rscript bench/bench_r.R B T D H`.)
#
# Data: x, dL/dh ~ N(0, 1) (dh_head plays the part of a random projection of
# the outputs); W, U, b ~ N(0, 1/H). No mask, zero initial state.

# The R implementation: lstmparity_source() when R/source.R defines it, else
# sys.source() of every file in r_dir into one new environment.
bench_load <- function(r_dir) {
  src <- file.path(r_dir, "source.R")
  if (file.exists(src)) {
    loader <- new.env()
    sys.source(src, envir = loader, keep.source = FALSE)
    return(loader$lstmparity_source(r_dir))
  }
  env <- new.env(parent = globalenv())
  for (f in sort(list.files(r_dir, pattern = "\\.[Rr]$", full.names = TRUE))) {
    sys.source(f, envir = env, keep.source = FALSE)
  }
  env
}

bench_data <- function(B, T, D, H, seed = 1L) {
  set.seed(seed)
  s <- 1 / sqrt(H)
  list(x = array(rnorm(T * B * D), c(T, B, D)),
       W = matrix(rnorm(D * 4 * H) * s, D, 4 * H),
       U = matrix(rnorm(H * 4 * H) * s, H, 4 * H),
       b = rnorm(4 * H) * s,
       dh = array(rnorm(T * B * H), c(T, B, H)))
}

# Seconds per forward + backward pass: `warmup` untimed passes, then `reps` timed
# chunks (min_reps <= reps <= max_reps, about `budget` seconds in all). A chunk is
# `inner` passes in a loop, enough to last `min_chunk` seconds, because proc.time()
# counts in milliseconds. Returns list(times = wall seconds per pass for each chunk,
# cpu = CPU seconds (user + system, all threads) per pass, inner).
bench_time <- function(impl, B, T, D, H, warmup = 1L, min_reps = 3L, max_reps = 7L,
                       budget = 1, min_chunk = 0.02) {
  d <- bench_data(B, T, D, H)
  run <- function() {
    fw <- impl$lstm_forward(d$x, d$W, d$U, d$b)
    impl$lstm_backward(d$dh, fw$cache)
  }
  t_one <- Inf
  for (k in seq_len(max(1L, warmup))) t_one <- system.time(run())[["elapsed"]]
  t_one <- max(t_one, 1e-4)
  inner <- max(1L, as.integer(ceiling(min_chunk / t_one)))
  reps <- as.integer(min(max_reps, max(min_reps, ceiling(budget / (t_one * inner)))))
  times <- cpu <- numeric(reps)
  for (r in seq_len(reps)) {
    t0 <- proc.time()
    for (k in seq_len(inner)) run()
    t1 <- proc.time() - t0
    times[r] <- t1[["elapsed"]] / inner
    cpu[r] <- (t1[["user.self"]] + t1[["sys.self"]]) / inner
  }
  list(times = times, cpu = cpu, inner = inner)
}
