# Elementwise activations, written so that no input overflows.
# Mirrors python/lstmparity/core/activations.py.

#' Numerically stable activations
#'
#' `sigmoid()` is the logistic function, `log_softmax()` the log softmax over
#' the last axis (rows of a matrix), `softplus()` is `log(1 + exp(z))`. None of
#' them overflows. `tanh()` is base R's.
#'
#' Equations:
#' \preformatted{
#' sigmoid(z)       = 1 / (1 + exp(-z))     (exp(-z) = Inf for z < -709 gives exactly 0)
#' log_softmax(a)_k = a_k - m - log(sum_j exp(a_j - m)),  m = max_j a_j
#' softplus(z)      = log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|))
#' }
#'
#' R's `exp()` returns `Inf` without a warning when it overflows, and
#' `1 / (1 + Inf)` is 0, the correctly rounded limit; the Python reference
#' computes the same expression (silencing NumPy's overflow warning).
#'
#' @param z numeric vector, matrix or array (any shape; the result has the same shape).
#' @param a numeric matrix, dim `c(N, K)`: one row of `K` logits per example.
#' @return `sigmoid()`, `softplus()`: same shape as `z`. `log_softmax()`: dim `c(N, K)`.
#' @examples
#' sigmoid(c(-1000, 0, 1000))
#' log_softmax(matrix(c(1000, 0, 0, 1000), 2))
#' softplus(c(-1000, 0, 1000))              # 0, log(2), 1000
#' @name activations
NULL

#' @rdname activations
#' @export
sigmoid <- function(z) {
  1 / (1 + exp(-z))
}

#' @rdname activations
#' @export
log_softmax <- function(a) {
  shifted <- a - row_max(a)
  shifted - log(rowSums(exp(shifted)))
}

#' @rdname activations
#' @export
softplus <- function(z) {
  pmax(z, 0) + log1p(exp(-abs(z)))
}

# The largest element of every row of a matrix (max.col picks the column).
row_max <- function(a) {
  a[cbind(seq_len(nrow(a)), max.col(a, ties.method = "first"))]
}
