# Buggy copies of blocks that put one constant factor on the gradients (# BUG:): clipping, loss
# reduction. Mirrors conformance/mutants/scaling.py.

clip_inside_backward <- function(x, h_prev, dz) {
  g <- list(dW = crossprod(x, dz), dU = crossprod(h_prev, dz), db = colSums(dz))
  clip_grad_norm(g, 1) # BUG: gradients clipped (to norm 1) inside the backward pass
}

loss_mean_grad_sum <- function(cache) {
  head <- cache$head; h <- cache$h; logits <- cache$logits; Wy <- cache$Wy; targets <- cache$targets
  if (!head %in% c("many_to_one_sigmoid", "many_to_one_softmax")) {
    return(head_backward(cache))
  }
  d <- dim(h); T <- d[1]; B <- d[2]
  if (head == "many_to_one_sigmoid") {
    dlogits <- sigmoid(logits) - targets # BUG: no / B: the loss is a mean over the batch, its gradient a sum
  } else {
    dlogits <- exp(log_softmax(logits))
    at <- cbind(seq_len(B), targets)
    dlogits[at] <- dlogits[at] - 1 # BUG (same): no dlogits / B
  }
  dh_head <- array(0, dim(h))
  dh_head[T, , ] <- tcrossprod(dlogits, Wy)
  h_last <- step_slice(h, T)
  list(dlogits = dlogits, dh_head = dh_head,
       grads = list(dWy = crossprod(h_last, dlogits), dby = colSums(dlogits)))
}
