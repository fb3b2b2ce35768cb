# Gradient clipping and optimisers with PyTorch's semantics.
# Mirrors python/lstmparity/core/optim.py.

#' Gradient clipping (PyTorch's `clip_grad_norm_`, `clip_grad_value_`)
#'
#' Gradients are a named list: `grads$dW` pairs with `params$W`.
#' \preformatted{
#' clip by norm:   n = sqrt(sum over all grads of g^2)
#'                 g <- g * min(1, max_norm / (n + 1e-6))
#' clip by value:  g <- min(max(g, -value), value)
#' }
#'
#' @param grads named list of gradient arrays (`dE, dW, dU, db, dWy, dby` as present).
#' @param max_norm the largest global L2 norm allowed.
#' @param value the largest absolute value allowed for any element.
#' @param clip `NULL` (no clipping), `list(max_norm = x)` or `list(value = x)`.
#' @return the clipped gradients, same names and shapes.
#' @examples
#' grads <- list(dW = matrix(3, 2, 2), db = c(4, 0))   # global norm sqrt(4 * 9 + 16) = 7.2
#' clipped <- clip_grad_norm(grads, max_norm = 1)
#' sqrt(sum(unlist(clipped)^2))                       # 1 (up to the 1e-6 in the formula)
#' clip_grad_value(grads, value = 1)$db               # 1 0
#' identical(clip_grads(grads, NULL), grads)
#' @name clipping
NULL

#' @rdname clipping
#' @export
clip_grad_norm <- function(grads, max_norm) {
  total <- sqrt(sum(vapply(grads, function(g) sum(g * g), numeric(1))))
  coef <- max_norm / (total + 1e-6)
  if (coef >= 1) {
    return(grads)
  }
  lapply(grads, function(g) g * coef)
}

#' @rdname clipping
#' @export
clip_grad_value <- function(grads, value) {
  lapply(grads, function(g) pmin(pmax(g, -value), value))
}

#' @rdname clipping
#' @export
clip_grads <- function(grads, clip) {
  if (length(clip) == 0) {
    return(grads)
  }
  if (!is.null(clip$max_norm)) {
    return(clip_grad_norm(grads, clip$max_norm))
  }
  clip_grad_value(grads, clip$value)
}

#' Optimiser steps (PyTorch's `SGD` and `Adam`)
#'
#' One update of every parameter; the inputs are not modified.
#' \preformatted{
#' SGD with momentum:  buf <- g (first step), buf <- momentum * buf + g (later)
#'                     p <- p - lr * buf
#' Adam:               m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
#'                     p <- p - lr * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps)
#' }
#'
#' @param params named list of parameters (`E, W, U, b, Wy, by` as present).
#' @param grads named list of their gradients (`dE, dW, ...`).
#' @param state the state returned by the previous step; `list()` at the start.
#' @param lr learning rate.
#' @param momentum SGD momentum (0: plain SGD).
#' @param beta1,beta2,eps Adam's hyper-parameters (PyTorch's defaults).
#' @param optimizer list(`name` = `"sgd"` or `"adam"`, `lr`, `steps`, and the
#'   hyper-parameters above), as in a case's `optimizer` field.
#' @return list(`params`: the updated parameters, `state`: the new state).
#' @examples
#' params <- list(W = matrix(1, 2, 2)); grads <- list(dW = matrix(0.5, 2, 2))
#' sgd_step(params, grads, list(), lr = 0.1)$params$W     # 1 - 0.1 * 0.5
#' step <- adam_step(params, grads, list(), lr = 0.1)
#' step$params$W                                         # Adam's first step moves by about lr: 0.9
#' step <- optimizer_step(step$params, grads, step$state, list(name = "adam", lr = 0.1))
#' step$params$W                                         # about 0.8
#' @name optimizers
NULL

#' @rdname optimizers
#' @export
sgd_step <- function(params, grads, state, lr, momentum = 0) {
  new_params <- list()
  bufs <- if (is.null(state$momentum_buffer)) list() else state$momentum_buffer
  for (name in names(params)) {
    g <- grads[[paste0("d", name)]]
    if (momentum != 0) {
      g <- if (is.null(bufs[[name]])) g else momentum * bufs[[name]] + g
      bufs[[name]] <- g
    }
    new_params[[name]] <- params[[name]] - lr * g
  }
  list(params = new_params, state = list(momentum_buffer = bufs))
}

#' @rdname optimizers
#' @export
adam_step <- function(params, grads, state, lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
  k <- if (is.null(state$k)) 1 else state$k + 1
  new_params <- m_new <- v_new <- list()
  for (name in names(params)) {
    g <- grads[[paste0("d", name)]]
    m_old <- if (is.null(state$m[[name]])) 0 else state$m[[name]]
    v_old <- if (is.null(state$v[[name]])) 0 else state$v[[name]]
    m <- beta1 * m_old + (1 - beta1) * g
    v <- beta2 * v_old + (1 - beta2) * g * g
    m_hat <- m / (1 - beta1^k) # bias correction: m, v start at zero
    v_hat <- v / (1 - beta2^k)
    new_params[[name]] <- params[[name]] - lr * m_hat / (sqrt(v_hat) + eps)
    m_new[[name]] <- m
    v_new[[name]] <- v
  }
  list(params = new_params, state = list(k = k, m = m_new, v = v_new))
}

#' @rdname optimizers
#' @export
optimizer_step <- function(params, grads, state, optimizer) {
  opts <- optimizer[setdiff(names(optimizer), c("name", "steps"))]
  step <- switch(optimizer$name, sgd = sgd_step, adam = adam_step,
                 stop(sprintf("unknown optimizer '%s'; expected 'sgd' or 'adam'", optimizer$name)))
  do.call(step, c(list(params, grads, state), opts))
}
