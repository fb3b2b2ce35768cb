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

# (B, F, T) array -> list of T (B, F) matrices, without an R function call per step
# (split() cuts the contiguous blocks in one call).
split_steps <- function(a) {
  d <- dim(a)
  T <- d[3]
  step <- structure(rep.int(seq_len(T), rep.int(d[1] * d[2], T)), levels = as.character(seq_len(T)),
                    class = "factor") # the step of every element
  unname(lapply(split(as.vector(a), step), `dim<-`, d[1:2]))
}

# Step t of a (T, B, F) array as a (B, F) matrix (also when B or F is 1).
step_slice <- function(a, t) {
  s <- a[t, , , drop = FALSE]
  dim(s) <- dim(a)[2:3]
  s
}
