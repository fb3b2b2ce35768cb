# Small helpers for (T, B, .) arrays, R's column-major layout in mind.
#
# An array of dim c(T, B, F) is, in memory, a (T * B, F) matrix whose rows run
# over t fastest: row t + (b - 1) * T holds a[t, b, ]. Setting dim() converts
# between the two without copying. Per-step values are (B, F) matrices; the
# layer keeps them in lists of T (stack_steps() / unstack_steps() convert).

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

#' Per-step values: a list of T matrices <-> one (T, B, F) array
#'
#' The layer keeps each step's values as the step functions return them, `(B, F)`
#' matrices in a list of T (`out$h[[t]]` is h_t). `stack_steps()` makes one
#' array of dim `c(T, B, F)` of them (`a[t, , ]` is step t), as the fixtures
#' hold them; `unstack_steps()` undoes it.
#'
#' @param mats list of T numeric matrices, all of dim `c(B, F)`.
#' @param a numeric array, dim `c(T, B, F)`.
#' @return `stack_steps()`: array, dim `c(T, B, F)`. `unstack_steps()`: list of
#'   T matrices, dim `c(B, F)`.
#' @examples
#' steps <- list(matrix(1:6 + 0, 2), matrix(7:12 + 0, 2))
#' a <- stack_steps(steps)
#' a[2, , ]
#' identical(unstack_steps(a), steps)
#' @name steps
NULL

#' @rdname steps
#' @export
stack_steps <- function(mats) {
  d <- dim(mats[[1]])
  T <- length(mats)
  a <- vapply(mats, identity, mats[[1]]) # (B, F, T): step t is a contiguous block
  dim(a) <- c(d[1] * d[2], T)
  a <- t(a) # (T, B * F): t fastest, as a (T, B, F) array
  dim(a) <- c(T, d)
  a
}

#' @rdname steps
#' @export
unstack_steps <- function(a) {
  split_steps(aperm(a, c(2L, 3L, 1L))) # (B, F, T): step t is a contiguous block
}

# (B, F, T) array -> list of T (B, F) matrices: column t of the (B * F, T) matrix the
# array is in memory, given its dims back (one loop; split() by a factor is slower
# for large arrays, lapply() pays an R call per step).
split_steps <- function(a) {
  d <- dim(a)
  dim(a) <- c(d[1] * d[2], d[3])
  mats <- vector("list", d[3])
  for (t in seq_len(d[3])) {
    m <- a[, t]
    dim(m) <- d[1:2]
    mats[[t]] <- m
  }
  mats
}

# (T, B, F) array -> (T * B, F) matrix whose rows go step by step: row (t - 1) * B + b
# holds a[t, b, ] (the rows of step t are (t - 1) * B + 1:B). Not as_rows()'s order.
step_rows <- function(a) {
  d <- dim(a)
  a <- aperm(a, c(2L, 1L, 3L)) # (B, T, F)
  dim(a) <- c(d[2] * d[1], d[3])
  a
}

# List of T (B, F) matrices -> (T * B, F) matrix, rows step by step (what
# do.call(rbind, mats) gives, without rbind()'s cost per argument).
rows_of_steps <- function(mats) {
  d <- dim(mats[[1]])
  T <- length(mats)
  a <- unlist(mats, use.names = FALSE) # (B, F, T)
  dim(a) <- c(d, T)
  a <- aperm(a, c(1L, 3L, 2L)) # (B, T, F)
  dim(a) <- c(d[1] * T, d[2])
  a
}

# (T * B, F) matrix, rows step by step -> list of T (B, F) matrices (undoes rows_of_steps()).
steps_of_rows <- function(rows, T) {
  B <- dim(rows)[1] / T
  mats <- vector("list", T)
  for (t in seq_len(T)) mats[[t]] <- rows[(t - 1) * B + seq_len(B), , drop = FALSE]
  mats
}

# What the step function returned, by name: `steps` is a list of T named lists
# (one per step); the result has one list of T values per name. One unlist() and
# one comparison of names per name, not an R call per step.
pick_steps <- function(steps, names) {
  flat <- unlist(steps, recursive = FALSE) # every step's values, in one list named by value
  key <- names(flat)
  lapply(stats::setNames(names, names), function(name) unname(flat[key == name]))
}

# Step t of a (T, B, F) array as a (B, F) matrix (also when B or F is 1).
step_slice <- function(a, t) {
  s <- a[t, , , drop = FALSE]
  dim(s) <- dim(a)[2:3]
  s
}
