# Small helpers for (T, B, .) arrays, R's column-major layout in mind.
#
# An array of dim c(T, B, F) is, in memory, a (T * B, F) matrix whose rows run
# over t fastest: row t + (b - 1) * T holds a[t, b, ]. Setting dim() converts
# between the two without copying. Per-step values are (B, F) matrices; the
# layer keeps them in lists and stacks them once.

# (T, B, F) array -> (T * B, F) matrix (rows: t fastest).
as_rows <- function(a) {
  d <- dim(a)
  dim(a) <- c(d[1] * d[2], d[3])
  a
}

# (T * B, F) matrix, rows t fastest -> (T, B, F) array.
from_rows <- function(a, T, B) {
  dim(a) <- c(T, B, ncol(a))
  a
}

# The rows of step t in a (T * B, F) matrix with rows t fastest: a[t, b, ] for b = 1..B.
step_rows <- function(t, T, B) {
  seq.int(t, by = T, length.out = B)
}

# (T * B, F) matrix with rows step by step (row (t - 1) * B + b, as rbind() of
# the per-step matrices gives) -> (T, B, F) array.
from_step_rows <- function(a, T, B) {
  d <- ncol(a)
  dim(a) <- c(B, T, d)
  aperm(a, c(2L, 1L, 3L))
}

# A list of T matrices, each (B, F) -> one (T, B, F) array.
stack_steps <- function(mats) {
  d <- dim(mats[[1]])
  T <- length(mats)
  a <- unlist(mats, use.names = FALSE)
  dim(a) <- c(d[1] * d[2], T)
  a <- t(a) # (T, B * F): t fastest, as a (T, B, F) array
  dim(a) <- c(T, d)
  a
}

# Step t of a (T, B, F) array as a (B, F) matrix (also when B or F is 1).
step_slice <- function(a, t) {
  s <- a[t, , , drop = FALSE]
  dim(s) <- dim(a)[2:3]
  s
}
