# Everything a fixture's `expected` holds, computed from a parsed case.
# Mirrors run_case() in python/lstmparity/core/model.py.

#' Compute everything a case's `expected` holds
#'
#' The entry point of the conformance runner. Runs the model forward and
#' backward on the case's parameters and inputs, then, when the case has an
#' `optimizer`, `optimizer$steps` updates (each: loss and gradients, clipping,
#' one optimiser step).
#'
#' @param case a parsed case, as returned by [read_case()].
#' @param ops the building blocks, see [reference_ops()]; `NULL`: the
#'   reference blocks of the case's cell (`case$config$cell`, "lstm" when absent).
#' @return list(`forward` = list(`x`?, the layer's tensors (LSTM `i, f, g, o, c, h`;
#'   GRU `r, z, n, h`; RNN `g, h`), `logits`?, `loss`),
#'   `backward` = list(`dlogits`?, LSTM `dh, do, dc, di, df, dg, dx, dh0, dc0`;
#'   GRU `dh, dn, dz, dr, dx, dh0`; RNN `dh, dg, dx, dh0`),
#'   `grads` = list(`dWy`?, `dby`?, `dW, dU, db`, `db_hn`?, `dE`?),
#'   `optimizer_steps` = list of list(`loss`, `params`) (only with an optimizer)):
#'   the names, order and shapes of the case's `expected` (per-step tensors
#'   `c(T, B, .)`, `dh0, dc0` `c(B, H)`).
#' @examples
#' # A case built in memory (head "none": L = sum(proj * h)):
#' config <- list(T = 3, B = 2, D = 2, H = 4, V = NULL, K = NULL, head = "none")
#' case <- list(config = config, params = init_params(config, seed = 1),
#'              inputs = list(x = array(1, c(3, 2, 2)), proj = array(1, c(3, 2, 4))))
#' result <- run_case(case)
#' dim(result$backward$dc)              # c(T, B, H), as in the fixtures
#' # A fixture, from the repository root:
#' \dontrun{
#' case <- read_case("fixtures/batch_all_dims_differ.json")
#' result <- run_case(case)
#' max(abs(result$forward$h - case$expected$forward$h))
#' }
#' @export
run_case <- function(case, ops = NULL) {
  params <- ordered(case$params)
  config <- case$config
  inputs <- case$inputs
  ops <- ops_for(ops, config)
  fwd <- model_forward(params, config, inputs, ops)
  bwd <- model_backward(fwd$cache, ops)
  out <- list(forward = stack_lists(fwd$trace), backward = stack_lists(bwd$trace), grads = bwd$grads)
  opt <- case$optimizer
  if (length(opt)) {
    steps <- list()
    state <- list()
    for (k in seq_len(opt$steps)) {
      lg <- loss_and_grads(params, config, inputs, ops)
      g <- ops$clip_grads(lg$grads, case$clip)
      upd <- ops$optimizer_step(params, g, state, opt)
      params <- upd$params
      state <- upd$state
      steps[[k]] <- list(loss = lg$loss, params = ordered(params))
    }
    out$optimizer_steps <- steps
  }
  out
}

# Every per-step list (of T matrices) in a trace, as a (T, B, .) array, the
# shape of the case's `expected`; other entries unchanged.
stack_lists <- function(trace) {
  lapply(trace, function(v) if (is.list(v)) stack_steps(v) else v)
}
