# Time the R LSTM layer, forward + backward, at B = 32, T = 64, D = 64, H = 128.
#
#   Rscript bench/bench_r.R [B T D H] [repeats]       (from the repository root)
#
# Loads the package code from R/ (no install needed), runs lstm_forward() and
# lstm_backward() with a random dh_head, warms up, then prints the median over
# the repeats in seconds, and which BLAS R uses (OpenBLAS expected).

bench_fwd_bwd <- function(B = 32L, T = 64L, D = 64L, H = 128L, repeats = 21L, warmup = 3L, seed = 0L) {
  lp <- lstmparity_source(file.path(bench_root(), "R"))
  set.seed(seed)
  config <- list(T = T, B = B, D = D, H = H, V = NULL, K = NULL, head = "none")
  p <- lp$init_params(config, seed)
  x <- array(stats::rnorm(T * B * D), c(T, B, D))
  dh_head <- array(stats::rnorm(T * B * H), c(T, B, H))
  once <- function() {
    fwd <- lp$lstm_forward(x, p$W, p$U, p$b)
    lp$lstm_backward(dh_head, fwd$cache)
  }
  for (k in seq_len(warmup)) once()
  times <- vapply(seq_len(repeats), function(k) {
    t0 <- proc.time()[["elapsed"]]
    once()
    proc.time()[["elapsed"]] - t0
  }, numeric(1))
  list(median = stats::median(times), times = times)
}

bench_root <- function() {
  args <- commandArgs(trailingOnly = FALSE)
  file <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(file)) normalizePath(file.path(dirname(file), "..")) else getwd()
}

lstmparity_source <- function(dir) {
  env <- new.env(parent = globalenv())
  for (f in sort(list.files(dir, pattern = "\\.[Rr]$", full.names = TRUE))) sys.source(f, envir = env)
  env
}

if (sys.nframe() == 0L) {
  a <- as.integer(commandArgs(trailingOnly = TRUE))
  shape <- if (length(a) >= 4) a[1:4] else c(32L, 64L, 64L, 128L)
  repeats <- if (length(a) >= 5) a[5] else 21L
  r <- bench_fwd_bwd(shape[1], shape[2], shape[3], shape[4], repeats)
  blas <- tryCatch(utils::sessionInfo()$BLAS, error = function(e) "unknown")
  cat(sprintf("R %s, BLAS: %s\n", getRversion(), blas))
  cat(sprintf("lstm_forward + lstm_backward, B=%d T=%d D=%d H=%d: median %.4f s over %d runs (min %.4f, max %.4f)\n",
              shape[1], shape[2], shape[3], shape[4], r$median, repeats, min(r$times), max(r$times)))
  cat(sprintf("%.6f\n", r$median))
}
