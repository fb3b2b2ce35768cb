# Buggy copies of the other building blocks (parameter gradients, head, clipping, optimiser).
# Mirrors conformance/mutants/blocks.py. Blocks that need something their reference
# signature does not carry (h_t, the case's clip setting) are built per case by a
# factory taking the case and returning the blocks by name; their state lives in
# the closure of one run.

# list(step_forward, param_grads): the reference step, recording h_t, and dU built from h_t.
# param_grads() sees (T * B, .) matrices whose rows go step by step: (t - 1) * B + b.
weight_grads_from_h_t <- function(case) {
  T <- case$config$T
  h_seen <- list() # h_t of the current forward pass
  step_forward <- function(xw_t, h_prev, c_prev, U, m = NULL) {
    if (length(h_seen) == T) h_seen <<- list() # a new forward pass (optimizer steps run several)
    s <- lstm_step_forward(xw_t, h_prev, c_prev, U, m)
    h_seen[[length(h_seen) + 1L]] <<- s$h
    s
  }
  param_grads <- function(x, h_prev, dz) {
    dW <- crossprod(x, dz)
    dU <- crossprod(do.call(rbind, h_seen), dz) # BUG: h_t where h_{t-1} belongs
    db <- colSums(dz)
    list(dW = dW, dU = dU, db = db)
  }
  list(step_forward = step_forward, param_grads = param_grads)
}

# list(param_grads, clip_grads): each step's contribution clipped, the total not clipped.
clip_per_step <- function(case) {
  clip <- case$clip; T <- case$config$T; B <- case$config$B
  param_grads <- function(x, h_prev, dz) {
    dW <- matrix(0, ncol(x), ncol(dz)); dU <- matrix(0, ncol(h_prev), ncol(dz)); db <- numeric(ncol(dz))
    for (t in seq_len(T)) {
      r <- (t - 1) * B + seq_len(B) # the rows of step t
      g <- list(dW = crossprod(x[r, , drop = FALSE], dz[r, , drop = FALSE]),
                dU = crossprod(h_prev[r, , drop = FALSE], dz[r, , drop = FALSE]),
                db = colSums(dz[r, , drop = FALSE]))
      g <- clip_grads(g, clip) # BUG: clipping applied to every step's gradient instead of the total
      dW <- dW + g$dW; dU <- dU + g$dU; db <- db + g$db
    }
    list(dW = dW, dU = dU, db = db)
  }
  no_clip <- function(grads, clip) grads # BUG (same): the total is not clipped
  list(param_grads = param_grads, clip_grads = no_clip)
}

adam_step_no_bias_correction <- function(params, grads, state, lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
  k <- if (is.null(state$k)) 1 else state$k + 1
  new_params <- m_new <- v_new <- list()
  for (name in names(params)) {
    g <- grads[[paste0("d", name)]]
    m_old <- if (is.null(state$m[[name]])) 0 else state$m[[name]]
    v_old <- if (is.null(state$v[[name]])) 0 else state$v[[name]]
    m <- beta1 * m_old + (1 - beta1) * g
    v <- beta2 * v_old + (1 - beta2) * g * g
    m_hat <- m # BUG: no bias correction (m / (1 - beta1^k), v / (1 - beta2^k))
    v_hat <- v
    new_params[[name]] <- params[[name]] - lr * m_hat / (sqrt(v_hat) + eps)
    m_new[[name]] <- m
    v_new[[name]] <- v
  }
  list(params = new_params, state = list(k = k, m = m_new, v = v_new))
}

optimizer_step_no_bias_correction <- function(params, grads, state, optimizer) {
  opts <- optimizer[setdiff(names(optimizer), c("name", "steps"))]
  step <- switch(optimizer$name, sgd = sgd_step, adam = adam_step_no_bias_correction)
  do.call(step, c(list(params, grads, state), opts))
}

# The reference head, its cache keeping the logits of every step, c(T, B, K), for the buggy backward.
head_forward_every_step <- function(h, head, Wy = NULL, by = NULL, targets = NULL, mask = NULL, proj = NULL) {
  out <- head_forward(h, head, Wy, by, targets, mask, proj)
  if (head %in% c("many_to_one_sigmoid", "many_to_one_softmax")) {
    d <- dim(h)
    out$cache$logits <- from_rows(as_rows(h) %*% Wy + rep(by, each = d[1] * d[2]), d[1], d[2])
  }
  out
}

label_at_every_step <- function(cache) {
  head <- cache$head
  if (!head %in% c("many_to_one_sigmoid", "many_to_one_softmax")) {
    return(head_backward(cache)) # the bug needs a per-sequence label
  }
  h <- cache$h; Wy <- cache$Wy
  d <- dim(h); T <- d[1]; B <- d[2]
  a <- as_rows(cache$logits) # (T * B, K), every step
  y <- rep(cache$targets, each = T) # row (t, b) gets the label of sequence b
  if (head == "many_to_one_sigmoid") {
    dlogits <- (sigmoid(a) - y) / B # BUG: the sequence's label at every step
  } else {
    dlogits <- exp(log_softmax(a))
    at <- cbind(seq_len(T * B), y)
    dlogits[at] <- dlogits[at] - 1 # BUG: the sequence's label at every step
    dlogits <- dlogits / B
  }
  last <- seq(T, T * B, by = T) # the rows of step T
  list(dlogits = dlogits[last, , drop = FALSE], dh_head = from_rows(tcrossprod(dlogits, Wy), T, B),
       grads = list(dWy = crossprod(as_rows(h), dlogits), dby = colSums(dlogits)))
}
