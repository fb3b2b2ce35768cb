# Small helpers for (T, B, .) arrays, R's column-major layout in mind.
#
# An array of dim c(T, B, D) is, in memory, a (T * B, D) matrix whose rows run
# over t fastest: row t + (b - 1) * T holds x[t, b, ]. Setting dim() converts
# between the two without copying, so per-step tensors are (T, B, .) arrays like
# in the fixtures and the whole-sequence matrix products see (T * B, .) matrices.

# (T, B, D) array -> (T * B, D) matrix (rows: t fastest).
as_rows <- function(a) {
  d <- dim(a)
  dim(a) <- c(d[1] * d[2], d[3])
  a
}

# (T * B, D) matrix -> (T, B, D) array.
from_rows <- function(a, T, B) {
  dim(a) <- c(T, B, ncol(a))
  a
}

# Step t of a (T, B, D) array as a (B, D) matrix (also when B or D is 1).
step_slice <- function(a, t) {
  d <- dim(a)
  s <- a[t, , ]
  dim(s) <- d[2:3]
  s
}

# A list of T matrices, each (B, D) -> one (T, B, D) array.
stack_steps <- function(mats) {
  d <- dim(mats[[1]])
  a <- array(unlist(mats, use.names = FALSE), c(d, length(mats)))
  aperm(a, c(3L, 1L, 2L))
}
