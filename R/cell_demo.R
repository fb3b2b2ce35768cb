# The vanishing-gradient demo for the three cells. Mirrors python/lstmparity/training/cell_demo.py.

#' The vanishing-gradient demo for the three cells
#'
#' The task (`noisy_bit_task()`), Bengio, Simard and Frasconi's (1994)
#' information latching: a bit is shown at the first step, as -1 or +1 on input
#' channel 1 with a start marker 1 on channel 2; at the T - 1 steps after it
#' channel 1 carries Gaussian noise N(0, sigma^2) and the marker is 0. A
#' many-to-one sigmoid head reads h at the last step and must say the bit. The
#' noise comes through the same input weights as the bit: a cell must shut its
#' input after the first step (the LSTM's input gate, the GRU's update gate) or
#' hold the bit in a state the noise cannot move, which for the gateless RNN
#' means saturated dynamics with attractors, near which its gradient vanishes.
#' `cell_gradient_norms()`: ||dL/dh_t|| for t = 1..T at the initial weights.
#' `train_noisy_bit()`: Adam with gradient clipping on fresh batches, then the
#' held-out accuracy. (R's random numbers differ from NumPy's, so the figures
#' differ a little from Python's; the picture does not.)
#'
#' @param N,T number of sequences and their length.
#' @param sigma standard deviation of the noise.
#' @param cell `"lstm"`, `"gru"` or `"rnn"`.
#' @param B,H batch and hidden size.
#' @param seed seed of R's random numbers.
#' @param steps,lr number of Adam steps and learning rate.
#' @param max_norm gradients are clipped to this global norm ([clip_grad_norm()]).
#' @param n_test held-out sequences.
#' @param keep_bias initial bias of the LSTM's f and the GRU's z (3: with the
#'   usual 1, sigmoid(1)^49 = 2e-7 of the first step's state reaches step 50; see
#'   [init_cell_params()]).
#' @return `noisy_bit_task()`: list(`x` `c(T, N, 2)`, `y` length N in 0/1).
#'   `cell_gradient_norms()`: numeric length T. `train_noisy_bit()`:
#'   list(`cell, T, steps, loss` (per step), `accuracy`).
#' @examples
#' norms <- cell_gradient_norms("rnn", T = 20, B = 8)
#' norms[1] < norms[20]
#' @name cell_demo
#' @export
noisy_bit_task <- function(N, T, sigma = 2) {
  y <- sample.int(2, N, replace = TRUE) - 1
  x <- array(0, c(T, N, 2))
  x[1, , 1] <- 2 * y - 1
  x[1, , 2] <- 1
  if (T > 1) x[-1, , 1] <- sigma * stats::rnorm((T - 1) * N)
  list(x = x, y = y)
}

# Initial bias of the LSTM's f and the GRU's z: with the usual 1, sigmoid(1)^49 = 2e-7 of the
# first step's state reaches step 50 and the gated cells forget as fast as the RNN (they did
# not learn in 600 steps at T = 50, docs/cells.md); with 3, sigmoid(3)^49 = 0.08 of it does.
KEEP_BIAS <- 3

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
cell_gradient_norms <- function(cell, T = 100, B = 64, H = 16, sigma = 2, seed = 0, keep_bias = KEEP_BIAS) {
  set.seed(seed)
  p <- init_demo_params(cell, 2, H, keep_bias)
  task <- noisy_bit_task(B, T, sigma)
  dh <- demo_loss_and_grads(cell, p, task$x, task$y)$trace$dh
  vapply(dh, function(m) sqrt(sum(m * m)), 0)
}

#' @rdname cell_demo
#' @export
train_noisy_bit <- function(cell, T = 50, steps = 500, B = 32, H = 16, sigma = 2, lr = 0.003, max_norm = 1,
                            seed = 0, n_test = 1000, keep_bias = KEEP_BIAS) {
  set.seed(seed)
  p <- init_demo_params(cell, 2, H, keep_bias)
  state <- list()
  losses <- numeric(steps)
  for (s in seq_len(steps)) {
    task <- noisy_bit_task(B, T, sigma)
    lg <- demo_loss_and_grads(cell, p, task$x, task$y)
    upd <- adam_step(p, clip_grad_norm(lg$grads, max_norm), state, lr)
    p <- upd$params
    state <- upd$state
    losses[s] <- lg$loss
  }
  set.seed(seed + 12345) # the held-out set: the same for every cell
  test <- noisy_bit_task(n_test, T, sigma)
  run <- layer_forward(cell, test$x, p[setdiff(names(p), c("Wy", "by"))])
  logits <- head_forward(stack_steps(run$out$h), "many_to_one_sigmoid", p$Wy, p$by, test$y)$logits
  list(cell = cell, T = T, steps = steps, loss = losses, accuracy = mean((logits[, 1] > 0) == test$y))
}
