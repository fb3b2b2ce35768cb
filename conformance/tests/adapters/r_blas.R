# One long BLAS call: R cannot interrupt it, the worker is ended.
lstmparity_adapter <- function(case) {
  m <- matrix(runif(4000 * 4000), 4000)
  for (k in 1:20) m <- m %*% m
  list()
}
