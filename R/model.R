# The whole model: [embedding] -> recurrent layer (LSTM, GRU or RNN: config$cell) -> [dense head + loss],
# forward and backward. Mirrors python/lstmparity/core/model.py.

#' The replaceable building blocks of one run
#'
#' The functions a run uses, passed explicitly (no global state): the mutation
#' catalogue swaps one block for a buggy copy, e.g.
#' `run_case(case, reference_ops(step_backward = buggy_step_backward))`.
#' The four layer blocks are the cell's (see [get_cell()]): `reference_ops("gru")`
#' holds [gru_step_forward()] and the other GRU blocks; `cell` names it, and a
#' run refuses ops of another cell than its case's.
#' Mirrors Python's `Ops` / `reference_ops()`; the names are the same.
#'
#' @param cell `"lstm"`, `"gru"` or `"rnn"`: whose layer blocks.
#' @param ... blocks to replace, by name: `step_forward`, `local_grads`, `step_backward`,
#'   `param_grads`, `head_forward`, `head_backward`, `clip_grads`, `optimizer_step`.
#' @return a named list: `cell`, then the reference blocks (functions), with `...` replacing some.
#' @examples
#' names(reference_ops())
#' reference_ops("rnn")$step_backward    # rnn_step_backward
#' @export
reference_ops <- function(cell = "lstm", ...) {
  ops <- c(list(cell = cell), get_cell(cell)$blocks,
           list(head_forward = head_forward, head_backward = head_backward, clip_grads = clip_grads,
                optimizer_step = optimizer_step))
  replace <- list(...)
  blocks <- setdiff(names(ops), "cell")
  unknown <- setdiff(names(replace), blocks)
  if (length(replace) && (is.null(names(replace)) || any(names(replace) == "") || length(unknown))) {
    stop(sprintf("reference_ops(): unknown block(s) %s; expected names among %s",
                 paste(unknown, collapse = ", "), paste(blocks, collapse = ", ")))
  }
  ops[names(replace)] <- replace
  ops
}

# The ops of a run of `config`: the reference ops of its cell when `ops` is NULL; an error when
# `ops` were built for another cell (their blocks would not fit the layer).
ops_for <- function(ops, config) {
  cell <- cell_of(config)
  if (is.null(ops)) return(reference_ops(cell))
  if (!identical(ops$cell, cell)) {
    stop(sprintf("ops: built for the %s cell, but config$cell is %s; use reference_ops(\"%s\", ...)",
                 if (is.null(ops$cell)) "(no)" else ops$cell, cell, cell), call. = FALSE)
  }
  ops
}

#' Random parameters
#'
#' Uniform in `[-s, s]` with `s = 1/sqrt(H)` (PyTorch's `nn.LSTM`, `nn.GRU`,
#' `nn.RNN` default); `E` standard normal. The layer's parameters are the
#' cell's (`config$cell`, "lstm" when absent): `W, U, b` with one column block
#' per gate (4 for the LSTM, 3 for the GRU, 1 for the RNN), and the GRU's
#' `b_hn`. Uses R's generator: the numbers differ from Python's
#' `init_params()` for the same seed (fixtures carry their parameters). The
#' global random state is left as it was.
#'
#' @param config list(`T, B, D, H, V, K, head`, `cell`?, `reset_after`?) (`V`, `K` may be `NULL`).
#' @param seed integer seed.
#' @param scale `NULL` for `1/sqrt(H)`, else `s`.
#' @return named list: `E` (`c(V, D)`, with an embedding), `W` (`c(D, GH)`),
#'   `U` (`c(H, GH)`), `b` (length `GH`; `GH` = gates times `H`), `b_hn` (length
#'   `H`, GRU), `Wy` (`c(H, K)`), `by` (length `K`) (with a head).
#' @examples
#' p <- init_params(list(T = 5, B = 2, D = 3, H = 4, V = 10, K = 2, head = "many_to_one_softmax"))
#' str(p)                              # E, W, U, b, Wy, by
#' @export
init_params <- function(config, seed = 0, scale = NULL) {
  D <- config$D; H <- config$H; V <- config$V; K <- config$K
  s <- if (is.null(scale)) 1 / sqrt(H) else scale
  cell <- get_cell(cell_of(config))
  GH <- length(cell$gates) * H
  with_seed(seed, {
    p <- list()
    if (!is.null(V)) p$E <- matrix(stats::rnorm(V * D), V, D)
    p$W <- matrix(stats::runif(D * GH, -s, s), D, GH)
    p$U <- matrix(stats::runif(H * GH, -s, s), H, GH)
    p$b <- stats::runif(GH, -s, s)
    if ("b_hn" %in% cell$params) p$b_hn <- stats::runif(H, -s, s)
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
#' `model_forward()` runs [embedding_forward()] (when `config$V` is set), the
#' recurrent layer of `config$cell` ([lstm_forward()], [gru_forward()] or
#' [rnn_forward()], through [get_cell()]) and the head ([head_forward()]);
#' `model_backward()` runs the same in reverse. `loss_and_grads()` is what an
#' optimiser needs.
#'
#' @param params named list: `E` (`c(V, D)`), `W` (`c(D, GH)`), `U` (`c(H, GH)`),
#'   `b` (`GH`), `b_hn` (`H`, GRU), `Wy` (`c(H, K)`), `by` (`K`), as present
#'   (`GH` = the cell's gate count times `H`).
#' @param config list(`T, B, D, H, V, K, head`, `cell`?, `reset_after`?): `cell`
#'   is "lstm" (when absent), "gru" or "rnn"; `reset_after` (GRU, default `TRUE`).
#' @param inputs named list: `x` (`c(T, B, D)`) or `tokens` (`c(T, B)`, 1-based);
#'   optionally `h0`, `c0` (LSTM) (`c(B, H)`), `mask` (`c(T, B)`), `targets`, `proj` (`c(T, B, H)`).
#' @param ops the building blocks, see [reference_ops()]; `NULL`: the cell's reference blocks.
#' @param cache the `cache` returned by `model_forward()`.
#' @return `model_forward()`: list(`trace`: list(`x`?, the layer's forward tensors
#'   (LSTM `i, f, g, o, c, h`; GRU `r, z, n, h`; RNN `g, h`), `logits`?, `loss`),
#'   `cache`). `model_backward()`: list(`trace`: list(`dlogits`?, the layer's
#'   backward tensors (LSTM `dh, do, dc, di, df, dg, dx, dh0, dc0`; GRU `dh, dn,
#'   dz, dr, dx, dh0`; RNN `dh, dg, dx, dh0`)), `grads`: list(`dWy`?, `dby`?,
#'   `dW, dU, db`, `db_hn`?, `dE`?)). `loss_and_grads()`: list(`loss`, `grads`).
#'   The layer's per-step values are lists of T matrices, as the layer functions
#'   return them; [run_case()] stacks them into arrays.
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
#' # The same model with a GRU:
#' gru <- c(config, cell = "gru")
#' names(model_forward(init_params(gru, seed = 1), gru, inputs)$trace)   # r, z, n, h, logits, loss
#' @name model
NULL

#' @rdname model
#' @export
model_forward <- function(params, config, inputs, ops = NULL) {
  ops <- ops_for(ops, config)
  cell <- get_cell(ops$cell)
  trace <- list()
  x <- inputs$x
  if (!is.null(config$V)) {
    x <- embedding_forward(params$E, inputs$tokens)
    trace$x <- x
  }
  states <- lapply(stats::setNames(nm = paste0(cell$states, "0")), function(s) inputs[[s]]) # h0 (, c0)
  layer <- do.call(cell$forward, c(list(x), params[cell$params], states, list(mask = inputs$mask),
                                   config[intersect(cell$options, names(config))],
                                   list(step_forward = ops$step_forward)))
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
model_backward <- function(cache, ops = NULL) {
  ops <- ops_for(ops, cache$config)
  head <- ops$head_backward(cache$head)
  layer <- get_cell(ops$cell)$backward(head$dh_head, cache$layer, ops$step_backward, ops$local_grads,
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
loss_and_grads <- function(params, config, inputs, ops = NULL) {
  fwd <- model_forward(params, config, inputs, ops)
  bwd <- model_backward(fwd$cache, ops)
  list(loss = fwd$trace$loss, grads = bwd$grads)
}

# params in the canonical order of the spec (E, W, U, b, b_hn, Wy, by).
ordered <- function(params) {
  params[intersect(param_order(), names(params))]
}
