# The vanishing-gradient demo for the three cells. Mirrors python/lstmparity/training/cell_demo.py.

#' The vanishing-gradient demo for the three cells
#'
#' The task (`first_token_task()`): a sequence of T one-hot tokens from a
#' vocabulary of D; the first is 0 or 1, the others are drawn from 2..D-1; the
#' label is the first token. A many-to-one sigmoid head reads h at the last step,
#' so the answer needs one bit carried across T - 1 steps of distractors, and
#' learning it needs a gradient that travels back as far.
#' `cell_gradient_norms()`: ||dL/dh_t|| for t = 1..T at the initial weights.
#' `train_first_token()`: Adam on fresh batches, then the held-out accuracy.
#' (R's random numbers differ from NumPy's, so the figures differ a little from
#' Python's; the picture does not.)
#'
#' @param N,T,D number of sequences, their length, the vocabulary size.
#' @param cell `"lstm"`, `"gru"` or `"rnn"`.
#' @param B,H batch and hidden size.
#' @param seed seed of R's random numbers.
#' @param steps,lr number of Adam steps and learning rate.
#' @param n_test held-out sequences.
#' @param keep_bias initial bias of the LSTM's f and the GRU's z (1, the usual
#'   forget-gate bias; see [init_cell_params()]).
#' @return `first_token_task()`: list(`x` `c(T, N, D)`, `y` length N in 0/1).
#'   `cell_gradient_norms()`: numeric length T. `train_first_token()`:
#'   list(`cell, T, steps, loss` (per step), `accuracy`).
#' @examples
#' norms <- cell_gradient_norms("rnn", T = 20, B = 8)
#' norms[1] < norms[20]
#' @name cell_demo
#' @export
first_token_task <- function(N, T, D = 4) {
  y <- sample.int(2, N, replace = TRUE) - 1
  tokens <- matrix(sample.int(D - 2, T * N, replace = TRUE) + 2, T, N) # 3..D: the distractors
  tokens[1, ] <- y + 1 # 1-based: tokens 1 and 2 are the labels 0 and 1
  x <- array(0, c(T, N, D))
  x[cbind(rep(seq_len(T), N), rep(seq_len(N), each = T), as.vector(tokens))] <- 1
  list(x = x, y = y)
}

KEEP_BIAS <- 1 # initial bias of the LSTM's f and the GRU's z (the usual forget-gate bias)

init_demo_params <- function(cell, D, H, keep_bias = KEEP_BIAS) {
  p <- init_cell_params(cell, D, H, keep_bias)
  p$Wy <- matrix(stats::runif(H, -1 / sqrt(H), 1 / sqrt(H)), H)
  p$by <- 0
  p
}

demo_loss_and_grads <- function(cell, p, x, y) {
  run <- layer_forward(cell, x, p[setdiff(names(p), c("Wy", "by"))])
  head <- head_forward(stack_steps(run$out$h), "many_to_one_sigmoid", p$Wy, p$by, y)
  hb <- head_backward(head$cache)
  back <- layer_backward(cell, hb$dh_head, run$cache)
  list(loss = head$loss, grads = c(back$grads, hb$grads), trace = back$trace)
}

#' @rdname cell_demo
#' @export
cell_gradient_norms <- function(cell, T = 100, B = 64, D = 4, H = 16, seed = 0, keep_bias = KEEP_BIAS) {
  set.seed(seed)
  p <- init_demo_params(cell, D, H, keep_bias)
  task <- first_token_task(B, T, D)
  dh <- demo_loss_and_grads(cell, p, task$x, task$y)$trace$dh
  vapply(dh, function(m) sqrt(sum(m * m)), 0)
}

#' @rdname cell_demo
#' @export
train_first_token <- function(cell, T = 40, steps = 1000, B = 64, D = 4, H = 16, lr = 0.01, seed = 0,
                              n_test = 1000, keep_bias = KEEP_BIAS) {
  set.seed(seed)
  p <- init_demo_params(cell, D, H, keep_bias)
  state <- list()
  losses <- numeric(steps)
  for (s in seq_len(steps)) {
    task <- first_token_task(B, T, D)
    lg <- demo_loss_and_grads(cell, p, task$x, task$y)
    upd <- adam_step(p, lg$grads, state, lr)
    p <- upd$params
    state <- upd$state
    losses[s] <- lg$loss
  }
  test <- first_token_task(n_test, T, D)
  run <- layer_forward(cell, test$x, p[setdiff(names(p), c("Wy", "by"))])
  logits <- head_forward(stack_steps(run$out$h), "many_to_one_sigmoid", p$Wy, p$by, test$y)$logits
  list(cell = cell, T = T, steps = steps, loss = losses, accuracy = mean((logits[, 1] > 0) == test$y))
}
