# Dense heads and their losses: forward, then backward right below.
# Mirrors python/lstmparity/core/heads.py. Class targets are 1-based in R.

#' The heads and their losses
#'
#' `head` is one of `"none"`, `"many_to_many_softmax"`, `"many_to_one_sigmoid"`,
#' `"many_to_one_softmax"`. `h` is `c(T, B, H)`; `Wy` `c(H, K)`; `by` length `K`.
#'
#' \preformatted{
#' none:                  L = sum(proj * h)                          dL/dh = proj
#' many_to_many_softmax:  a_t = h_t Wy + by                          (T, B, K)
#'                        L = sum_{t,b} m[t,b] * CE(a_t[b], y[t,b]) / sum(m)
#' many_to_one_sigmoid:   a = h_T Wy + by                            (B, 1)
#'                        L = mean_b softplus(a) - y a               (BCE with logits)
#' many_to_one_softmax:   a = h_T Wy + by                            (B, K)
#'                        L = mean_b CE(a[b], y[b])
#' CE(a, y) = -log_softmax(a)_y;  dCE/da = softmax(a) - onehot(y)
#' }
#'
#' @param h array, dim `c(T, B, H)`: the carried hidden states.
#' @param head the head's name (see above).
#' @param Wy,by `NULL` for head `"none"`; else matrix `c(H, K)` and vector length `K`.
#' @param targets `NULL` for head `"none"`; `many_to_many_softmax`: integer
#'   matrix `c(T, B)` of 1-based classes; `many_to_one_softmax`: integer vector
#'   length `B` of 1-based classes; `many_to_one_sigmoid`: vector length `B` of 0/1.
#' @param mask `NULL` or matrix `c(T, B)` of 0/1 (weights the many-to-many loss).
#' @param proj array `c(T, B, H)` for head `"none"`, else `NULL`.
#' @param cache the `cache` returned by `head_forward()`.
#' @return `head_forward()`: list(`logits` (`NULL`, `c(T, B, K)` or `c(B, K)`),
#'   `loss` (scalar), `cache`). `head_backward()`: list(`dlogits` (as `logits`),
#'   `dh_head` (`c(T, B, H)`), `grads` (list(`dWy, dby`), empty for `"none"`)).
#' @examples
#' set.seed(1)
#' h <- array(rnorm(3 * 2 * 4), c(3, 2, 4))           # T = 3, B = 2, H = 4
#' Wy <- matrix(rnorm(4 * 5), 4, 5); by <- numeric(5)  # K = 5
#' fwd <- head_forward(h, "many_to_one_softmax", Wy, by, targets = c(2L, 5L))
#' fwd$loss                                           # mean cross-entropy over the batch
#' bwd <- head_backward(fwd$cache)
#' rowSums(bwd$dlogits)                               # (softmax - onehot) / B: 0 up to rounding
#' bwd$dh_head[1, , ]                                 # zero: the head reads h_T only
#' dim(bwd$grads$dWy)                                 # c(H, K)
#' @name heads
NULL

HEADS <- c("none", "many_to_many_softmax", "many_to_one_sigmoid", "many_to_one_softmax")

#' @rdname heads
#' @export
head_forward <- function(h, head, Wy = NULL, by = NULL, targets = NULL, mask = NULL,
                         proj = NULL) {
  if (head == "none") {
    return(list(logits = NULL, loss = sum(proj * h),
                cache = list(head = head, h = h, weight = proj)))
  }
  if (head == "many_to_many_softmax") {
    d <- dim(h); T <- d[1]; B <- d[2]
    logits <- as_rows(h) %*% Wy + rep(by, each = T * B) # (T * B, K)
    m <- if (is.null(mask)) matrix(1, T, B) else mask
    weight <- m / sum(m)
    nll <- -log_softmax(logits)[cbind(seq_len(T * B), as.vector(targets))]
    logits <- from_rows(logits, T, B)
    return(list(logits = logits, loss = sum(weight * nll),
                cache = list(head = head, h = h, logits = logits, targets = targets,
                             weight = weight, Wy = Wy)))
  }
  T <- dim(h)[1]
  logits <- step_slice(h, T) %*% Wy + rep(by, each = dim(h)[2]) # (B, K): the last step
  B <- nrow(logits)
  if (head == "many_to_one_sigmoid") {
    a <- logits[, 1]
    loss <- mean(softplus(a) - targets * a)
  } else if (head == "many_to_one_softmax") {
    loss <- -mean(log_softmax(logits)[cbind(seq_len(B), targets)])
  } else {
    stop(sprintf("unknown head '%s'; expected one of %s", head, paste(HEADS, collapse = ", ")))
  }
  list(logits = logits, loss = loss,
       cache = list(head = head, h = h, logits = logits, targets = targets, Wy = Wy))
}

#' @rdname heads
#' @export
head_backward <- function(cache) {
  head <- cache$head; h <- cache$h; logits <- cache$logits
  targets <- cache$targets; weight <- cache$weight; Wy <- cache$Wy
  if (head == "none") {
    return(list(dlogits = NULL, dh_head = weight, grads = list()))
  }
  d <- dim(h); T <- d[1]; B <- d[2]
  if (head == "many_to_many_softmax") {
    p <- exp(log_softmax(as_rows(logits)))
    at <- cbind(seq_len(T * B), as.vector(targets))
    p[at] <- p[at] - 1
    dlogits <- p * as.vector(weight) # that is, (softmax - onehot) * m / sum(m)
    dWy <- crossprod(as_rows(h), dlogits)
    return(list(dlogits = from_rows(dlogits, T, B),
                dh_head = from_rows(tcrossprod(dlogits, Wy), T, B),
                grads = list(dWy = dWy, dby = colSums(dlogits))))
  }
  if (head == "many_to_one_sigmoid") {
    dlogits <- (sigmoid(logits) - targets) / B
  } else {
    dlogits <- exp(log_softmax(logits))
    at <- cbind(seq_len(B), targets)
    dlogits[at] <- dlogits[at] - 1
    dlogits <- dlogits / B
  }
  dh_head <- array(0, dim(h))
  dh_head[T, , ] <- tcrossprod(dlogits, Wy)
  h_last <- step_slice(h, T)
  list(dlogits = dlogits, dh_head = dh_head,
       grads = list(dWy = crossprod(h_last, dlogits), dby = colSums(dlogits)))
}
