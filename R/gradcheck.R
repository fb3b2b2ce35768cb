# Central finite differences of the loss, independent of our backward pass.
# Mirrors python/lstmparity/suite/gradcheck.py.

#' Finite-difference gradients
#'
#' Central differences with one Richardson extrapolation step, for every
#' element of every parameter and of the initial states (`h0`; `c0` for the LSTM):
#' \preformatted{
#' D(e)   = (L(p + e) - L(p - e)) / (2 e)          for every element p
#' dL/dp ~= (4 D(eps/2) - D(eps)) / 3               (Richardson: error O(eps^4))
#' }
#' `rel_error()` is cs231n's, over the whole tensor:
#' `max|a - n| / max(|a| + |n|, tiny)` (0 when both are exactly zero).
#'
#' @inheritParams model_forward
#' @param eps the step.
#' @param a,n two arrays of the same shape (analytic, numerical).
#' @param tiny the smallest denominator.
#' @return `numerical_grads()`: named list `dE`, `dW`, ... (as `params`) and
#'   `dh0` (and `dc0` for the LSTM) (`c(B, H)`). `rel_error()`: a number.
#' @examples
#' config <- list(T = 3, B = 2, D = 2, H = 2, V = NULL, K = 2, head = "many_to_one_softmax")
#' params <- init_params(config, seed = 1)
#' inputs <- list(x = array(seq(-1, 1, length.out = 12), c(3, 2, 2)), targets = c(2L, 1L))
#' analytic <- loss_and_grads(params, config, inputs)$grads
#' numerical <- numerical_grads(params, config, inputs)
#' rel_error(analytic$dU, numerical$dU)   # about 1e-9: finite-difference error, not a bug
#' @name gradcheck
NULL

#' @rdname gradcheck
#' @export
numerical_grads <- function(params, config, inputs, eps = 1e-4) {
  B <- config$B; H <- config$H
  states <- paste0(get_cell(cell_of(config))$states, "0") # h0 (, c0)
  for (s in states) if (is.null(inputs[[s]])) inputs[[s]] <- matrix(0, B, H)
  loss <- function(params, inputs) model_forward(params, config, inputs)$trace$loss
  central <- function(loss_of, holder, name, k, e) {
    plus <- minus <- holder
    plus[[name]][k] <- holder[[name]][k] + e
    minus[[name]][k] <- holder[[name]][k] - e
    (loss_of(plus) - loss_of(minus)) / (2 * e)
  }
  targets <- c(lapply(names(params), function(n) list("params", n, paste0("d", n))),
               lapply(states, function(s) list("inputs", s, paste0("d", s))))
  out <- list()
  for (tg in targets) {
    holder <- if (tg[[1]] == "params") params else inputs
    loss_of <- if (tg[[1]] == "params") function(p) loss(p, inputs) else function(i) loss(params, i)
    grad <- holder[[tg[[2]]]] * 0
    for (k in seq_along(grad)) {
      grad[k] <- (4 * central(loss_of, holder, tg[[2]], k, eps / 2) -
                  central(loss_of, holder, tg[[2]], k, eps)) / 3
    }
    out[[tg[[3]]]] <- grad
  }
  out
}

#' @rdname gradcheck
#' @export
rel_error <- function(a, n, tiny = 1e-300) {
  num <- max(abs(a - n), 0)
  if (num == 0) 0 else num / max(max(abs(a) + abs(n)), tiny)
}
