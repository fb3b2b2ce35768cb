# Weight layouts of other LSTM code, and the conversions to and from ours.
# Mirrors python/lstmparity/core/layouts.py: the same layout names, parameter names
# and functions.

LAYOUTS <- c("lstmparity", "pytorch", "keras", "per_gate_xh", "per_gate_hx",
             "per_gate_xh_bias_row", "per_gate_hx_bias_row")
GATES <- c("i", "f", "g", "o")
LAYOUT_KEYS <- list(
  lstmparity = c("W", "U", "b"),
  pytorch = c("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
  keras = c("kernel", "recurrent_kernel", "bias"),
  per_gate_xh = c(paste0("W_", GATES), paste0("b_", GATES)),
  per_gate_hx = c(paste0("W_", GATES), paste0("b_", GATES)),
  per_gate_xh_bias_row = paste0("W_", GATES),
  per_gate_hx_bias_row = paste0("W_", GATES)
)

#' Weight layouts: carry W, U, b to and from other LSTM code
#'
#' Ours (layout `"lstmparity"`): `W` (D x 4H), `U` (H x 4H), `b` (4H), column
#' blocks in gate order i, f, g, o; `z_t = x_t W + h_{t-1} U + b`. The other layouts:
#'
#' * `"pytorch"`: `weight_ih` (4H x D), `weight_hh` (4H x H), `bias_ih`, `bias_hh` (4H);
#'   the two biases are added on the way in; on the way out `bias_hh` is zero.
#' * `"keras"`: `kernel` (D x 4H), `recurrent_kernel` (H x 4H), `bias` (4H).
#' * `"per_gate_xh"`: one matrix per gate on `cbind(x, h)`, `W_i, W_f, W_g, W_o`
#'   ((D + H) x H), and biases `b_i, b_f, b_g, b_o` (H); `"per_gate_hx"`: on `cbind(h, x)`.
#' * `"per_gate_xh_bias_row"`, `"per_gate_hx_bias_row"`: the same on
#'   `cbind(x, h, 1)` / `cbind(h, x, 1)`: the last row of each matrix is its bias.
#'
#' `gate_order` (stacked layouts) is the order of the four blocks, a permutation
#' of `"ifgo"`; `c` may stand for `g` (Keras: `"ifco"`). Gradients use the names
#' and shapes of their parameters: `grads_from_layout()` reads dL/dW_i under
#' `W_i` and returns our names `dW, dU, db`. Other entries (E, Wy, by) pass
#' through. `gate_grads_from_post()` turns gate gradients taken w.r.t. the
#' activations (dL/di) into ours, w.r.t. the pre-activations (dL/dz_i).
#'
#' @param params a list with `W`, `U`, `b` (and possibly `E`, `Wy`, `by`).
#' @param p,g parameters / gradients in `layout` (named as its parameters).
#' @param layout one of `"lstmparity"`, `"pytorch"`, `"keras"`, `"per_gate_xh"`,
#'   `"per_gate_hx"`, `"per_gate_xh_bias_row"`, `"per_gate_hx_bias_row"`.
#' @param gate_order order of the gate blocks, e.g. `"ifgo"` (ours), `"ifco"`.
#' @param D input size; needed to split the per-gate matrices.
#' @param backward,forward lists with `di, df, dg, do` and `i, f, g, o` (arrays T x B x H).
#' @return a list in the requested layout (`params_to_layout()`), with `W, U, b`
#'   (`params_from_layout()`), with `dW, dU, db` (`grads_from_layout()`), or
#'   `backward` with pre-activation gate gradients (`gate_grads_from_post()`).
#' @examples
#' p <- list(W = matrix(1:8 / 10, 1, 8), U = matrix(1:16 / 10, 2, 8), b = 1:8 / 10)
#' pg <- params_to_layout(p, "per_gate_xh")
#' dim(pg$W_i)  # (D + H) x H = 3 x 2
#' all.equal(params_from_layout(pg, "per_gate_xh", D = 1), p)
#' @name layouts
NULL

check_gate_order <- function(gate_order) {
  order <- strsplit(gsub("c", "g", gate_order, fixed = TRUE), "")[[1]]
  if (!identical(sort(order), sort(GATES))) {
    stop(sprintf("gate_order '%s': expected a permutation of 'ifgo' (c may stand for g)", gate_order),
         call. = FALSE)
  }
  order
}

check_layout <- function(layout) {
  if (!(length(layout) == 1 && layout %in% LAYOUTS)) {
    stop(sprintf("layout '%s': expected one of %s", paste(layout, collapse = " "),
                 paste(LAYOUTS, collapse = ", ")), call. = FALSE)
  }
  layout
}

# Column (or element) blocks of a from our order i, f, g, o to `order`, or back with inverse = TRUE.
layout_blocks <- function(a, order, inverse = FALSE) {
  if (!is.matrix(a)) a <- as.numeric(a)
  reorder_blocks(a, if (inverse) match(GATES, order) else match(order, GATES)) # reorder_blocks() is in convert.R
}

#' @rdname layouts
#' @export
params_to_layout <- function(params, layout = "lstmparity", gate_order = "ifgo") {
  check_layout(layout)
  order <- check_gate_order(gate_order)
  rest <- params[setdiff(names(params), c("W", "U", "b"))]
  if (is.null(params$W)) return(rest)
  if (layout == "lstmparity" && identical(order, GATES)) return(params) # as it is (any cell's W, U, b, b_hn)
  W <- layout_blocks(params$W, order)
  U <- layout_blocks(params$U, order)
  b <- layout_blocks(params$b, order)
  out <- switch(layout,
    lstmparity = list(W = W, U = U, b = b),
    pytorch = list(weight_ih = t(W), weight_hh = t(U), bias_ih = b, bias_hh = numeric(length(b))),
    keras = list(kernel = W, recurrent_kernel = U, bias = b),
    per_gate(params, layout))
  c(out, rest)
}

per_gate <- function(params, layout) {
  H <- nrow(params$U)
  b <- as.numeric(params$b)
  out <- list()
  for (k in seq_along(GATES)) {
    cols <- ((k - 1) * H + 1):(k * H)
    Wk <- params$W[, cols, drop = FALSE]
    Uk <- params$U[, cols, drop = FALSE]
    m <- if (grepl("_xh", layout)) rbind(Wk, Uk) else rbind(Uk, Wk)
    if (grepl("_bias_row$", layout)) {
      m <- rbind(m, b[cols])
    } else {
      out[[paste0("b_", GATES[k])]] <- b[cols]
    }
    out[[paste0("W_", GATES[k])]] <- unname(m)
  }
  out[c(paste0("W_", GATES), setdiff(names(out), paste0("W_", GATES)))]
}

from_layout <- function(p, layout, gate_order, D, pytorch_bias) {
  check_layout(layout)
  order <- check_gate_order(gate_order)
  rest <- p[setdiff(names(p), LAYOUT_KEYS[[layout]])]
  if (startsWith(layout, "per_gate")) {
    if (is.null(D)) stop(sprintf("layout %s: pass D (the input size) to split the per-gate matrices", layout),
                         call. = FALSE)
    Ws <- lapply(GATES, function(g) as.matrix(p[[paste0("W_", g)]]))
    H <- ncol(Ws[[1]])
    xh <- grepl("_xh", layout)
    W <- do.call(cbind, lapply(Ws, function(w) w[if (xh) seq_len(D) else H + seq_len(D), , drop = FALSE]))
    U <- do.call(cbind, lapply(Ws, function(w) w[if (xh) D + seq_len(H) else seq_len(H), , drop = FALSE]))
    b <- if (grepl("_bias_row$", layout)) {
      unlist(lapply(Ws, function(w) w[D + H + 1, ]))
    } else {
      unlist(lapply(GATES, function(g) as.numeric(p[[paste0("b_", g)]])))
    }
    return(c(list(W = W, U = U, b = as.numeric(b)), rest))
  }
  if (layout == "pytorch") {
    W <- t(p$weight_ih)
    U <- t(p$weight_hh)
    b <- if (pytorch_bias == "sum") {
      as.numeric(if (is.null(p$bias_ih)) 0 else p$bias_ih) + as.numeric(if (is.null(p$bias_hh)) 0 else p$bias_hh)
    } else {
      as.numeric(if (is.null(p$bias_ih)) p$bias_hh else p$bias_ih)
    }
  } else if (layout == "keras") {
    W <- p$kernel
    U <- p$recurrent_kernel
    b <- p$bias
  } else {
    W <- p$W
    U <- p$U
    b <- p$b
  }
  c(list(W = layout_blocks(as.matrix(W), order, inverse = TRUE),
         U = layout_blocks(as.matrix(U), order, inverse = TRUE),
         b = layout_blocks(b, order, inverse = TRUE)), rest)
}

#' @rdname layouts
#' @export
params_from_layout <- function(p, layout = "lstmparity", gate_order = "ifgo", D = NULL) {
  from_layout(p, layout, gate_order, D, "sum")
}

#' @rdname layouts
#' @export
grads_from_layout <- function(g, layout = "lstmparity", gate_order = "ifgo", D = NULL) {
  out <- from_layout(g, layout, gate_order, D, "first")
  ours <- names(out) %in% c("W", "U", "b")
  names(out)[ours] <- paste0("d", names(out)[ours])
  out
}

#' @rdname layouts
#' @export
gate_grads_from_post <- function(backward, forward) {
  for (n in c("i", "f", "o")) {
    d <- paste0("d", n)
    if (!is.null(backward[[d]])) backward[[d]] <- backward[[d]] * forward[[n]] * (1 - forward[[n]])
  }
  if (!is.null(backward$dg)) backward$dg <- backward$dg * (1 - forward$g^2)
  backward
}
