# Token embedding: ids -> vectors, and its gradient.
# Mirrors python/lstmparity/core/embedding.py. Token ids are 1-based in R.

#' Token embedding, forward and backward
#'
#' \preformatted{
#' x[t, b, ] = E[tokens[t, b], ]       tokens (T, B) integers in 1..V, E (V, D)
#' dE[v, ]   = sum of dx[t, b, ] over every (t, b) with tokens[t, b] == v
#' }
#'
#' @param E matrix, dim `c(V, D)`: one row per token id.
#' @param tokens integer matrix, dim `c(T, B)`, **1-based** ids in `1..V`
#'   ([read_case()] adds 1 to the 0-based ids of the JSON files).
#' @param dx array, dim `c(T, B, D)`: dL/dx.
#' @param V vocabulary size.
#' @return `embedding_forward()`: x, array of dim `c(T, B, D)`.
#'   `embedding_backward()`: dE, matrix of dim `c(V, D)`.
#' @examples
#' E <- matrix(1:6 + 0, 3, 2)                 # V = 3 tokens, D = 2
#' tokens <- matrix(c(1L, 3L, 3L), 1, 3)      # T = 1, B = 3
#' x <- embedding_forward(E, tokens)          # x[1, b, ] == E[tokens[1, b], ]
#' x[1, , ]
#' embedding_backward(array(1, dim(x)), tokens, V = 3)   # row 3 gets two rows of dx, row 2 none
#' @name embedding
NULL

#' @rdname embedding
#' @export
embedding_forward <- function(E, tokens) {
  from_rows(E[as.vector(tokens), , drop = FALSE], nrow(tokens), ncol(tokens))
}

#' @rdname embedding
#' @export
embedding_backward <- function(dx, tokens, V) {
  dE <- matrix(0, V, dim(dx)[3])
  ids <- as.vector(tokens)
  sums <- rowsum(as_rows(dx), ids, reorder = TRUE) # one row per distinct id, ids sorted
  dE[sort(unique(ids)), ] <- sums
  dE
}
