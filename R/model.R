# The whole model: [embedding] -> LSTM layer -> [dense head + loss], forward and backward.
# Mirrors python/lstmparity/core/model.py.

PARAM_ORDER <- c("E", "W", "U", "b", "Wy", "by")

#' The replaceable building blocks of one run
#'
#' The functions a run uses, passed explicitly (no global state): the mutation
#' catalogue swaps one block for a buggy copy, e.g.
#' `run_case(case, reference_ops(step_backward = buggy_step_backward))`.
#' Mirrors Python's `Ops` / `REFERENCE_OPS`; the names are the same.
#'
#' @param ... blocks to replace, by name: `step_forward`, `local_grads`, `step_backward`,
#'   `param_grads`, `head_forward`, `head_backward`, `clip_grads`, `optimizer_step`.
#' @return a named list of functions: the reference blocks, with `...` replacing some.
#' @examples
#' names(reference_ops())
#' @export
reference_ops <- function(...) {
  ops <- list(step_forward = lstm_step_forward, local_grads = lstm_local_grads,
              step_backward = lstm_step_backward,
              param_grads = lstm_param_grads, head_forward = head_forward,
              head_backward = head_backward, clip_grads = clip_grads,
              optimizer_step = optimizer_step)
  replace <- list(...)
  unknown <- setdiff(names(replace), names(ops))
  if (length(replace) && (is.null(names(replace)) || any(names(replace) == "") || length(unknown))) {
    stop(sprintf("reference_ops(): unknown block(s) %s; expected names among %s",
                 paste(unknown, collapse = ", "), paste(names(ops), collapse = ", ")))
  }
  ops[names(replace)] <- replace
  ops
}

#' Random parameters
#'
#' Uniform in `[-s, s]` with `s = 1/sqrt(H)` (PyTorch's `nn.LSTM` default);
#' `E` standard normal. Uses R's generator: the numbers differ from Python's
#' `init_params()` for the same seed (fixtures carry their parameters). The
#' global random state is left as it was.
#'
#' @param config list(`T, B, D, H, V, K, head`) (`V`, `K` may be `NULL`).
#' @param seed integer seed.
#' @param scale `NULL` for `1/sqrt(H)`, else `s`.
#' @return named list: `E` (`c(V, D)`, with an embedding), `W` (`c(D, 4H)`),
#'   `U` (`c(H, 4H)`), `b` (length `4H`), `Wy` (`c(H, K)`), `by` (length `K`)
#'   (with a head).
#' @examples
#' p <- init_params(list(T = 5, B = 2, D = 3, H = 4, V = 10, K = 2, head = "many_to_one_softmax"))
#' str(p)                              # E, W, U, b, Wy, by
#' @export
init_params <- function(config, seed = 0, scale = NULL) {
  D <- config$D; H <- config$H; V <- config$V; K <- config$K
  s <- if (is.null(scale)) 1 / sqrt(H) else scale
  with_seed(seed, {
    p <- list()
    if (!is.null(V)) p$E <- matrix(stats::rnorm(V * D), V, D)
    p$W <- matrix(stats::runif(D * 4 * H, -s, s), D, 4 * H)
    p$U <- matrix(stats::runif(H * 4 * H, -s, s), H, 4 * H)
    p$b <- stats::runif(4 * H, -s, s)
    if (config$head != "none") {
      p$Wy <- matrix(stats::runif(H * K, -s, s), H, K)
      p$by <- stats::runif(K, -s, s)
    }
    p
  })
}

# Evaluate code with set.seed(seed), then restore the caller's random state.
with_seed <- function(seed, code) {
  env <- globalenv()
  old <- if (exists(".Random.seed", envir = env, inherits = FALSE)) get(".Random.seed", envir = env)
  on.exit(if (is.null(old)) rm(".Random.seed", envir = env) else assign(".Random.seed", old, envir = env))
  set.seed(seed)
  code
}

#' The model, forward and backward
#'
#' `model_forward()` runs [embedding_forward()] (when `config$V` is set),
#' [lstm_forward()] and the head ([head_forward()]); `model_backward()` runs the
#' same in reverse. `loss_and_grads()` is what an optimiser needs.
#'
#' @param params named list: `E` (`c(V, D)`), `W` (`c(D, 4H)`), `U` (`c(H, 4H)`),
#'   `b` (`4H`), `Wy` (`c(H, K)`), `by` (`K`), as present.
#' @param config list(`T, B, D, H, V, K, head`).
#' @param inputs named list: `x` (`c(T, B, D)`) or `tokens` (`c(T, B)`, 1-based);
#'   optionally `h0`, `c0` (`c(B, H)`), `mask` (`c(T, B)`), `targets`, `proj` (`c(T, B, H)`).
#' @param ops the building blocks, see [reference_ops()].
#' @param cache the `cache` returned by `model_forward()`.
#' @return `model_forward()`: list(`trace`: list(`x`?, `i, f, g, o, c, h`, `logits`?,
#'   `loss`), `cache`). `model_backward()`: list(`trace`: list(`dlogits`?, `dh, do,
#'   dc, di, df, dg, dx, dh0, dc0`), `grads`: list(`dWy`?, `dby`?, `dW, dU, db`,
#'   `dE`?)). `loss_and_grads()`: list(`loss`, `grads`). The layer's per-step
#'   values (`i` .. `h`, `dh` .. `dx`) are lists of T matrices, as [lstm_forward()]
#'   and [lstm_backward()] return them; [run_case()] stacks them into arrays.
#' @examples
#' config <- list(T = 6, B = 3, D = 2, H = 4, V = NULL, K = 3, head = "many_to_one_softmax")
#' params <- init_params(config, seed = 1)
#' set.seed(1)
#' inputs <- list(x = array(rnorm(6 * 3 * 2), c(6, 3, 2)), targets = c(1L, 3L, 2L))
#' fwd <- model_forward(params, config, inputs)
#' fwd$trace$loss                       # mean cross-entropy
#' bwd <- model_backward(fwd$cache)
#' names(bwd$grads)                     # dWy, dby, dW, dU, db
#' # One SGD step against the gradient lowers the loss:
#' lg <- loss_and_grads(params, config, inputs)
#' stepped <- Map(function(p, g) p - 0.1 * g, params, lg$grads[paste0("d", names(params))])
#' loss_and_grads(stepped, config, inputs)$loss < lg$loss
#' @name model
NULL

#' @rdname model
#' @export
model_forward <- function(params, config, inputs, ops = reference_ops()) {
  trace <- list()
  x <- inputs$x
  if (!is.null(config$V)) {
    x <- embedding_forward(params$E, inputs$tokens)
    trace$x <- x
  }
  layer <- lstm_forward(x, params$W, params$U, params$b,
                        inputs$h0, inputs$c0, inputs$mask, ops$step_forward)
  trace <- c(trace, layer$out)
  head <- ops$head_forward(stack_steps(layer$out$h), config$head, params$Wy, params$by,
                           inputs$targets, inputs$mask, inputs$proj)
  if (!is.null(head$logits)) trace$logits <- head$logits
  trace$loss <- head$loss
  list(trace = trace,
       cache = list(config = config, inputs = inputs, layer = layer$cache, head = head$cache))
}

#' @rdname model
#' @export
model_backward <- function(cache, ops = reference_ops()) {
  head <- ops$head_backward(cache$head)
  layer <- lstm_backward(head$dh_head, cache$layer, ops$step_backward, ops$local_grads,
                         ops$param_grads)
  trace <- if (is.null(head$dlogits)) list() else list(dlogits = head$dlogits)
  trace <- c(trace, layer$trace)
  grads <- c(head$grads, layer$grads)
  if (!is.null(cache$config$V)) {
    grads$dE <- embedding_backward(stack_steps(layer$trace$dx), cache$inputs$tokens, cache$config$V)
  }
  list(trace = trace, grads = grads)
}

#' @rdname model
#' @export
loss_and_grads <- function(params, config, inputs, ops = reference_ops()) {
  fwd <- model_forward(params, config, inputs, ops)
  bwd <- model_backward(fwd$cache, ops)
  list(loss = fwd$trace$loss, grads = bwd$grads)
}

# params in the canonical order E, W, U, b, Wy, by.
ordered <- function(params) {
  params[intersect(PARAM_ORDER, names(params))]
}
