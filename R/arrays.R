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

# A list of T matrices, each (B, F) -> one (T, B, F) array.
stack_steps <- function(mats) {
  d <- dim(mats[[1]])
  T <- length(mats)
  a <- vapply(mats, identity, mats[[1]]) # (B, F, T): step t is a contiguous block
  dim(a) <- c(d[1] * d[2], T)
  a <- t(a) # (T, B * F): t fastest, as a (T, B, F) array
  dim(a) <- c(T, d)
  a
}

# One (T, B, F) array -> a list of T matrices, each (B, F): stack_steps() undone.
# (Step t is every T-th element from t on; one index per step, no copy of the whole array.)
unstack_steps <- function(a) {
  d <- dim(a)
  T <- d[1]
  lapply(seq_len(T), function(t) {
    s <- a[seq.int(t, by = T, length.out = d[2] * d[3])]
    dim(s) <- d[2:3]
    s
  })
}

# Step t of a (T, B, F) array as a (B, F) matrix (also when B or F is 1).
step_slice <- function(a, t) {
  s <- a[t, , , drop = FALSE]
  dim(s) <- dim(a)[2:3]
  s
}
