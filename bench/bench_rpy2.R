# The R side of `lstmparity bench`: time the R port's forward + backward inside R,
# so that no Python <-> R bridge is counted. Sourced through rpy2 by
# python/lstmparity/bench_peers.py (RPeer): bench_load() once, bench_prepare() per shape.
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

# A closure that runs `n` forward + backward passes of shape (B, T, D, H) and
# returns c(wall seconds, CPU seconds (user + system, all threads)) of all n,
# measured with proc.time() around the loop. The caller (RPeer in
# python/lstmparity/bench_peers.py) warms up, picks n so that a chunk lasts
# >= 20 ms (proc.time() counts milliseconds) and interleaves the repetitions.
bench_prepare <- function(impl, B, T, D, H) {
  d <- bench_data(B, T, D, H)
  run <- function() {
    fw <- impl$lstm_forward(d$x, d$W, d$U, d$b)
    impl$lstm_backward(d$dh, fw$cache)
  }
  function(n) {
    t0 <- proc.time()
    for (k in seq_len(n)) run()
    t1 <- proc.time() - t0
    c(t1[["elapsed"]], t1[["user.self"]] + t1[["sys.self"]])
  }
}
