# ns per element of base R's elementwise operations on a (64, 2048) float64 matrix
# (docs/bench.md compares them with NumPy's: python bench/where_numpy.py prints those).
#   Rscript bench/elementwise.R
a <- matrix(stats::rnorm(64 * 2048), 64)
b <- matrix(stats::rnorm(64 * 2048), 64)
ns <- function(f) {
  f()
  reps <- 20L
  t <- replicate(7, system.time(for (k in seq_len(reps)) f())[["user.self"]])
  stats::median(t) / reps / length(a) * 1e9
}
cat(sprintf("base R, ns per element (CPU): a * b %.2f   exp %.2f   tanh %.2f\n",
            ns(function() a * b), ns(function() exp(a)), ns(function() tanh(a))))
