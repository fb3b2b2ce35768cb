# The recurrent cells by name: "lstm", "gru", "rnn". Mirrors python/lstmparity/core/cells.py.

#' The recurrent cells by name
#'
#' `CELLS` says, for `"lstm"`, `"gru"` and `"rnn"`, what a caller needs to run
#' a cell without knowing which it is: its gate names (the column blocks of `W`,
#' `U`, `b`, in order; from the spec, `spec/tensors.json`, which Python reads
#' too), its parameter names, its carried states, and the layer's forward and
#' backward. `layer_forward()` returns list(`out`, `cache`)
#' with `out$h` a list of T matrices `c(B, H)`; `layer_backward()` returns
#' list(`trace`, `grads`) with `trace$dh`, `trace$dx` (lists of T matrices),
#' `trace$dh0` and a gradient `"d" + name` for every parameter.
#'
#' `init_cell_params()` draws every weight and bias from U(-1/sqrt(H), 1/sqrt(H))
#' (PyTorch's default), except the bias of the gate that keeps the state, the
#' LSTM's forget gate f and the GRU's update gate z (h = (1 - z) * n + z * h_prev),
#' which starts at `keep_bias`.
#'
#' @param name `"lstm"`, `"gru"` or `"rnn"`.
#' @param D,H input and hidden sizes.
#' @param keep_bias the initial bias of the LSTM's f and the GRU's z.
#' @param x array `c(T, B, D)`.
#' @param params list of the cell's parameters (`W, U, b`; GRU also `b_hn`,
#'   optional `reset_after`).
#' @param h0 `NULL` or matrix `c(B, H)`.
#' @param mask `NULL` or matrix `c(T, B)` of 0/1.
#' @param ... passed on to the layer forward (`c0` for the LSTM).
#' @param dh_head array `c(T, B, H)`.
#' @param cache the cache of `layer_forward()`.
#' @return `get_cell()`: the registry entry, list(`name`, `gates`, `params`,
#'   `states` (the carried states; their initial values are the inputs `h0`,
#'   `c0`), `options` (the config fields its layer takes: the GRU's
#'   `reset_after`), `blocks` (the four blocks [reference_ops()] swaps:
#'   `step_forward, local_grads, step_backward, param_grads`), `forward`,
#'   `backward` (the layer, with the blocks as arguments)). `init_cell_params()`: list of parameters.
#'   `layer_forward()`, `layer_backward()`: as the cell's layer functions.
#' @examples
#' set.seed(1)
#' p <- init_cell_params("gru", D = 3, H = 2)
#' run <- layer_forward("gru", array(rnorm(5 * 4 * 3), c(5, 4, 3)), p)
#' back <- layer_backward("gru", array(1, c(5, 4, 2)), run$cache)
#' names(back$grads)
#' @name cells
#' @export
get_cell <- function(name) {
  if (!is.character(name) || length(name) != 1 || !name %in% names(CELLS)) {
    stop(sprintf("cell: expected one of %s, got %s", paste(sort(names(CELLS)), collapse = ", "),
                 paste(deparse(name), collapse = "")), call. = FALSE)
  }
  cell <- CELLS[[name]]
  cell$gates <- spec_gates(name) # read when asked: the package's files are not there at build time
  cell$blocks <- cell$blocks()
  cell
}

spec_gates <- function(name) unlist(tensor_spec()$cells[[name]]$gates)

# Each entry: its parameters, carried states (initial states h0, c0 in the inputs), the config
# options its layer takes, the four blocks a run can swap (reference_ops()), and the layer's
# forward and backward with the blocks as arguments. The blocks are looked up when asked
# (blocks()): the files of the package are read in alphabetical order, gru.R after this one.
CELLS <- list(
  lstm = list(name = "lstm", params = c("W", "U", "b"), states = c("h", "c"), options = character(0),
              blocks = function() {
                list(step_forward = lstm_step_forward, local_grads = lstm_local_grads,
                     step_backward = lstm_step_backward, param_grads = lstm_param_grads)
              },
              forward = function(x, W, U, b, h0 = NULL, c0 = NULL, mask = NULL, step_forward = lstm_step_forward) {
                lstm_forward(x, W, U, b, h0, c0, mask, step_forward)
              },
              backward = function(dh_head, cache, step_backward = lstm_step_backward, local_grads = lstm_local_grads,
                                  param_grads = lstm_param_grads) {
                lstm_backward(dh_head, cache, step_backward, local_grads, param_grads)
              }),
  gru = list(name = "gru", params = c("W", "U", "b", "b_hn"), states = "h", options = "reset_after",
             blocks = function() {
               list(step_forward = gru_step_forward, local_grads = gru_local_grads,
                    step_backward = gru_step_backward, param_grads = gru_param_grads)
             },
             forward = function(x, W, U, b, b_hn, h0 = NULL, mask = NULL, reset_after = TRUE,
                                step_forward = gru_step_forward) {
               gru_forward(x, W, U, b, b_hn, h0, mask, reset_after, step_forward)
             },
             backward = function(dh_head, cache, step_backward = gru_step_backward, local_grads = gru_local_grads,
                                 param_grads = gru_param_grads) {
               gru_backward(dh_head, cache, step_backward, local_grads, param_grads)
             }),
  rnn = list(name = "rnn", params = c("W", "U", "b"), states = "h", options = character(0),
             blocks = function() {
               list(step_forward = rnn_step_forward, local_grads = rnn_local_grads,
                    step_backward = rnn_step_backward, param_grads = rnn_param_grads)
             },
             forward = function(x, W, U, b, h0 = NULL, mask = NULL, step_forward = rnn_step_forward) {
               rnn_forward(x, W, U, b, h0, mask, step_forward)
             },
             backward = function(dh_head, cache, step_backward = rnn_step_backward, local_grads = rnn_local_grads,
                                 param_grads = rnn_param_grads) {
               rnn_backward(dh_head, cache, step_backward, local_grads, param_grads)
             })
)

# The cell of a config (or a case's config): config$cell, "lstm" when absent.
cell_of <- function(config) if (is.null(config$cell)) DEFAULT_CELL else config$cell

#' @rdname cells
#' @export
init_cell_params <- function(name, D, H, keep_bias = 1) {
  cell <- get_cell(name)
  G <- length(cell$gates)
  k <- 1 / sqrt(H)
  p <- list(W = matrix(stats::runif(D * G * H, -k, k), D), U = matrix(stats::runif(H * G * H, -k, k), H),
            b = stats::runif(G * H, -k, k))
  if ("b_hn" %in% cell$params) p$b_hn <- stats::runif(H, -k, k)
  if (name %in% c("lstm", "gru")) p$b[H + 1:H] <- keep_bias # f is block 2 of i, f, g, o; z of r, z, n
  p
}

#' @rdname cells
#' @export
layer_forward <- function(name, x, params, h0 = NULL, mask = NULL, ...) {
  cell <- get_cell(name)
  extra <- setdiff(names(params), c(cell$params, cell$options))
  if (length(extra)) {
    stop(sprintf("params: %s are not parameters of the %s cell (%s)", paste(extra, collapse = ", "), name,
                 paste(cell$params, collapse = ", ")), call. = FALSE)
  }
  do.call(cell$forward, c(list(x), params, list(h0 = h0, mask = mask), list(...)))
}

#' @rdname cells
#' @export
layer_backward <- function(name, dh_head, cache) get_cell(name)$backward(dh_head, cache)
