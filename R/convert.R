# Carry LSTM, GRU and RNN weights to and from PyTorch, Keras and ONNX layouts.
# Mirrors python/lstmparity/core/convert.py (same names, arguments and refusals).

# Library blocks taken from our blocks (1-based): ONNX LSTM i, o, f, c = our blocks 1, 4, 2, 3.
CONVERT_ORDER <- list(
  onnx = list(lstm = c(1, 4, 2, 3), gru = c(2, 1, 3), rnn = 1),
  keras = list(lstm = 1:4, gru = c(2, 1, 3), rnn = 1)
)
GATE_COUNT <- c(lstm = 4, gru = 3, rnn = 1)
ONNX_DEFAULT_ACTIVATIONS <- list(lstm = c("Sigmoid", "Tanh", "Tanh"), gru = c("Sigmoid", "Tanh"),
                                 rnn = "Tanh")

convert_gates <- function(cell) {
  if (!is.character(cell) || length(cell) != 1 || !cell %in% names(GATE_COUNT)) {
    stop(sprintf("cell: expected one of %s, got %s", paste(names(GATE_COUNT), collapse = ", "),
                 paste(deparse(cell), collapse = "")), call. = FALSE)
  }
  GATE_COUNT[[cell]]
}

convert_check <- function(name, a, shape) {
  got <- if (is.null(dim(a))) length(a) else dim(a)
  if (!identical(as.integer(got), as.integer(shape))) {
    stop(sprintf("%s: expected shape (%s), got (%s)", name, paste(shape, collapse = ", "),
                 paste(got, collapse = ", ")), call. = FALSE)
  }
  if (length(shape) == 1) return(as.numeric(a))
  storage.mode(a) <- "double"
  a
}

# Column blocks of matrix a (or blocks of vector a) taken in `order`.
reorder_blocks <- function(a, order) {
  if (is.null(dim(a))) {
    n <- length(a) / length(order)
    return(unlist(lapply(order, function(k) a[(k - 1) * n + seq_len(n)]), use.names = FALSE))
  }
  n <- ncol(a) / length(order)
  a[, unlist(lapply(order, function(k) (k - 1) * n + seq_len(n))), drop = FALSE]
}

n_block <- function(v, H) c(numeric(2 * H), v)

#' Carry weights to and from PyTorch, Keras and ONNX
#'
#' Ours (`cell`): column blocks of `W` (`c(D, G*H)`), `U` (`c(H, G*H)`), `b`
#' in gate order `"lstm"`: i, f, g, o; `"gru"`: r, z, n, plus `b_hn` and
#' `reset_after` (see [gru_forward()]); `"rnn"`: one block. PyTorch orders
#' LSTM i, f, g, o and GRU r, z, n; Keras LSTM i, f, c, o and GRU z, r, h; ONNX
#' LSTM i, o, f, c and GRU z, r, h. GRU reset placement: PyTorch always resets
#' after the recurrent product; Keras `reset_after = TRUE` and ONNX
#' `linear_before_reset = 1` are that form; Keras `reset_after = FALSE` and
#' ONNX's default 0 are Cho et al.'s reset-before form. Biases that are only
#' added are summed on import; on export the sum goes into the input-side bias.
#'
#' What lstmparity cannot compute is refused with an error naming it: ONNX
#' peepholes (`P`), `clip`, `input_forget`, non-default activations, uneven
#' `sequence_lens`; Keras `hard_sigmoid`; a torch reset-before GRU. ONNX
#' `direction` (reverse, bidirectional) and `layout = 1` are supported by
#' [onnx_forward()].
#'
#' Torch state dicts are named lists of matrices / vectors, keys as in
#' PyTorch (`weight_ih_l0`, ...); ONNX inputs are arrays `W` (`c(dirs, G*H, D)`),
#' `R` (`c(dirs, G*H, H)`), `B` (`c(dirs, 2*G*H)`).
#'
#' @param params list(`W, U, b`; GRU: `b_hn`, optional `reset_after`).
#' @param cell `"lstm"`, `"gru"` or `"rnn"`.
#' @return `to_torch()`: named list of state_dict entries.
#' @examples
#' set.seed(1)
#' p <- list(W = matrix(rnorm(6), 2), U = matrix(rnorm(9), 3), b = rnorm(3)) # D = 2, H = 3
#' identical(from_keras(to_keras(p, "rnn")[[1]], p$U, p$b, "rnn")$W, p$W)
#' str(to_onnx(p, "rnn"))
#' @name convert
#' @export
to_torch <- function(params, cell = "lstm") {
  convert_gates(cell)
  bias_hh <- numeric(length(params$b))
  if (cell == "gru") {
    if (isFALSE(params$reset_after)) {
      stop("reset_after: torch.nn.GRU computes the reset-after form only; these weights are for the ",
           "reset-before form (Cho et al.), which nn.GRU cannot run", call. = FALSE)
    }
    bias_hh <- n_block(params$b_hn, nrow(params$U))
  }
  list(weight_ih_l0 = t(params$W), weight_hh_l0 = t(params$U), bias_ih_l0 = as.numeric(params$b),
       bias_hh_l0 = bias_hh)
}

#' @rdname convert
#' @param state_dict named list: a one-layer module's state_dict.
#' @param reverse `TRUE`: the reverse direction of a bidirectional module (keys `*_l0_reverse`).
#' @export
from_torch <- function(state_dict, cell = "lstm", reverse = FALSE) {
  G <- convert_gates(cell)
  sfx <- if (reverse) "_l0_reverse" else "_l0"
  extra <- sort(grep("_l1|^weight_hr", names(state_dict), value = TRUE))
  if (length(extra)) {
    stop(sprintf("state_dict: %s (more layers, or an LSTM proj_size) are not supported; lstmparity ",
                 paste(extra, collapse = ", ")), "computes one layer without projection", call. = FALSE)
  }
  missing <- setdiff(paste0(c("weight_ih", "weight_hh"), sfx), names(state_dict))
  if (length(missing)) {
    stop(sprintf("state_dict: missing %s; expected the keys of a one-layer torch.nn.%s",
                 paste(missing, collapse = ", "), toupper(cell)), call. = FALSE)
  }
  w_ih <- as.matrix(state_dict[[paste0("weight_ih", sfx)]])
  GH <- nrow(w_ih)
  H <- GH / G
  w_hh <- convert_check(paste0("weight_hh", sfx), state_dict[[paste0("weight_hh", sfx)]], c(GH, H))
  bias <- function(k) {
    key <- paste0(k, sfx)
    if (is.null(state_dict[[key]])) numeric(GH) else convert_check(key, state_dict[[key]], GH)
  }
  b_ih <- bias("bias_ih")
  b_hh <- bias("bias_hh")
  out <- list(W = t(w_ih), U = t(w_hh))
  if (cell == "gru") { # b_hr, b_hz are only added; b_hn is multiplied by r
    out$b <- b_ih + c(b_hh[seq_len(2 * H)], numeric(H))
    out$b_hn <- b_hh[2 * H + seq_len(H)]
  } else {
    out$b <- b_ih + b_hh
  }
  out
}

#' @rdname convert
#' @return `to_keras()`: list(kernel, recurrent_kernel, bias) for `set_weights`
#'   (GRU reset after: bias `c(2, 3H)`, rows input and recurrent).
#' @export
to_keras <- function(params, cell = "lstm") {
  convert_gates(cell)
  order <- CONVERT_ORDER$keras[[cell]]
  W <- reorder_blocks(params$W, order)
  U <- reorder_blocks(params$U, order)
  b <- reorder_blocks(as.numeric(params$b), order)
  if (cell == "gru") {
    rec <- reorder_blocks(n_block(params$b_hn, nrow(params$U)), order)
    bias <- if (isFALSE(params$reset_after)) b + rec else rbind(b, rec, deparse.level = 0)
    return(list(W, U, bias))
  }
  list(W, U, b)
}

#' @rdname convert
#' @param kernel,recurrent_kernel,bias a Keras layer's `get_weights()`.
#' @param activation,recurrent_activation the Keras layer's activations;
#'   anything but `"tanh"` / `"sigmoid"` is refused.
#' @param reset_after a Keras GRU's `reset_after`.
#' @return `from_keras()`: list(`W, U, b`; GRU: `b_hn, reset_after`).
#' @export
from_keras <- function(kernel, recurrent_kernel, bias, cell = "lstm", activation = "tanh",
                       recurrent_activation = "sigmoid", reset_after = TRUE) {
  G <- convert_gates(cell)
  if (activation != "tanh") {
    stop(sprintf("activation: '%s' is not supported; lstmparity computes tanh", activation), call. = FALSE)
  }
  if (cell != "rnn" && recurrent_activation != "sigmoid") {
    stop(sprintf("recurrent_activation: '%s' is not supported; lstmparity computes the logistic sigmoid",
                 recurrent_activation), call. = FALSE)
  }
  W <- as.matrix(kernel)
  if (ncol(W) %% G) stop(sprintf("kernel: expected shape (D, %dH), got (%s)", G,
                                 paste(dim(W), collapse = ", ")), call. = FALSE)
  H <- ncol(W) / G
  U <- convert_check("recurrent_kernel", recurrent_kernel, c(H, G * H))
  inv <- order(CONVERT_ORDER$keras[[cell]])
  out <- list(W = reorder_blocks(W, inv), U = reorder_blocks(U, inv))
  if (cell == "gru" && reset_after) {
    bias <- convert_check("bias", bias, c(2, G * H))
    b_in <- reorder_blocks(bias[1, ], inv)
    b_rec <- reorder_blocks(bias[2, ], inv)
    out$b <- b_in + c(b_rec[seq_len(2 * H)], numeric(H))
    out$b_hn <- b_rec[2 * H + seq_len(H)]
  } else {
    out$b <- reorder_blocks(convert_check("bias", bias, G * H), inv)
    if (cell == "gru") out$b_hn <- numeric(H)
  }
  if (cell == "gru") out$reset_after <- isTRUE(reset_after)
  out
}

#' @rdname convert
#' @return `to_onnx()`: list(`W` `c(1, GH, D)`, `R` `c(1, GH, H)`, `B` `c(1, 2GH)`).
#' @export
to_onnx <- function(params, cell = "lstm") {
  convert_gates(cell)
  order <- CONVERT_ORDER$onnx[[cell]]
  H <- nrow(params$U)
  rec <- if (cell == "gru") n_block(params$b_hn, H) else numeric(length(params$b))
  W <- t(reorder_blocks(params$W, order))
  R <- t(reorder_blocks(params$U, order))
  B <- c(reorder_blocks(as.numeric(params$b), order), reorder_blocks(rec, order))
  list(W = array(W, c(1, dim(W))), R = array(R, c(1, dim(R))), B = array(B, c(1, length(B))))
}

#' @rdname convert
#' @return `onnx_attributes()`: list(`hidden_size`; GRU: `linear_before_reset`).
#' @export
onnx_attributes <- function(params, cell = "lstm") {
  out <- list(hidden_size = nrow(params$U))
  if (cell == "gru") out$linear_before_reset <- if (isFALSE(params$reset_after)) 0L else 1L
  out
}

#' @rdname convert
#' @param attributes named list of the ONNX operator's attributes.
#' @return `check_onnx_attributes()`: `NULL`, invisibly; an error naming the
#'   first attribute lstmparity does not compute.
#' @export
check_onnx_attributes <- function(cell, attributes) {
  known <- c("activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size",
             "layout", "input_forget", "linear_before_reset")
  fail <- function(...) stop(sprintf(...), call. = FALSE)
  unknown <- sort(setdiff(names(attributes), known))
  if (length(unknown)) fail("ONNX %s attributes [%s]: not attributes of the operator", toupper(cell),
                            paste(unknown, collapse = ", "))
  a <- attributes
  if (!is.null(a$clip)) {
    fail("clip = %s: not supported; lstmparity never clips the gate pre-activations %s", format(a$clip),
         "(it computes the unclipped operator)")
  }
  if (isTRUE(a$input_forget != 0)) {
    fail("input_forget = 1: not supported; lstmparity computes independent input and forget gates %s",
         "(input_forget = 0)")
  }
  if (isTRUE(a$linear_before_reset != 0) && cell != "gru") {
    fail("linear_before_reset: an attribute of the GRU operator only")
  }
  if (!is.null(a$activations)) {
    d <- tolower(ONNX_DEFAULT_ACTIVATIONS[[cell]])
    acts <- tolower(a$activations)
    if (!(identical(acts, d) || identical(acts, rep(d, 2)))) {
      fail("activations = [%s]: not supported; lstmparity computes [%s] %s",
           paste(a$activations, collapse = ", "), paste(ONNX_DEFAULT_ACTIVATIONS[[cell]], collapse = ", "),
           "(per direction), the operator's default")
    }
  }
  for (k in c("activation_alpha", "activation_beta")) {
    if (length(a[[k]])) fail("%s = %s: not supported; lstmparity's activations have no parameters", k,
                             paste(a[[k]], collapse = ", "))
  }
  if (!is.null(a$direction) && !a$direction %in% c("forward", "reverse", "bidirectional")) {
    fail("direction = '%s': expected forward, reverse or bidirectional", a$direction)
  }
  if (!is.null(a$layout) && !a$layout %in% c(0, 1)) {
    fail("layout = %s: expected 0 (time-major) or 1 (batch-first)", a$layout)
  }
  invisible(NULL)
}

#' @rdname convert
#' @param W,R,B ONNX operator inputs (arrays as above; `B` may be `NULL`).
#' @param P `NULL` or peephole weights; non-zero peepholes are refused.
#' @param index 1 (the forward direction) or 2 (the reverse of a bidirectional operator).
#' @param ... the operator's attributes (`direction`, `layout`, `linear_before_reset`, ...).
#' @return `from_onnx()`: list(`W, U, b`; GRU: `b_hn, reset_after`).
#' @export
from_onnx <- function(W, R, B = NULL, P = NULL, cell = "lstm", index = 1, ...) {
  G <- convert_gates(cell)
  attributes <- list(...)
  check_onnx_attributes(cell, attributes)
  if (!is.null(P) && any(P != 0)) {
    stop("P: peephole weights are not supported; lstmparity computes the LSTM without peepholes (P = 0)",
         call. = FALSE)
  }
  d <- dim(W)
  if (length(d) != 3 || d[2] %% G) stop(sprintf("W: expected shape (num_directions, %dH, D), got (%s)", G,
                                                paste(d, collapse = ", ")), call. = FALSE)
  dirs <- d[1]; GH <- d[2]; H <- GH / G
  if (!is.null(attributes$hidden_size) && attributes$hidden_size != H) {
    stop(sprintf("hidden_size = %s: W has H = %d", attributes$hidden_size, H), call. = FALSE)
  }
  R <- convert_check("R", R, c(dirs, GH, H))
  Bm <- if (is.null(B)) matrix(0, dirs, 2 * GH) else convert_check("B", B, c(dirs, 2 * GH))
  inv <- order(CONVERT_ORDER$onnx[[cell]])
  Wk <- matrix(W[index, , ], GH)
  Rk <- matrix(R[index, , ], GH)
  out <- list(W = reorder_blocks(t(Wk), inv), U = reorder_blocks(t(Rk), inv))
  b_in <- reorder_blocks(Bm[index, seq_len(GH)], inv)
  b_rec <- reorder_blocks(Bm[index, GH + seq_len(GH)], inv)
  if (cell == "gru") {
    reset_after <- isTRUE(attributes$linear_before_reset != 0)
    n_rec <- b_rec[2 * H + seq_len(H)]
    out$b <- b_in + c(b_rec[seq_len(2 * H)], if (reset_after) numeric(H) else n_rec)
    out$b_hn <- if (reset_after) n_rec else numeric(H)
    out$reset_after <- reset_after
  } else {
    out$b <- b_in + b_rec
  }
  out
}

#' @rdname convert
#' @param X array `c(T, B, D)` (layout 0) or `c(B, T, D)` (layout 1).
#' @param sequence_lens `NULL` or all equal to T (uneven lengths are refused).
#' @param initial_h,initial_c `NULL` or arrays `c(dirs, B, H)` (layout 1: `c(B, dirs, H)`).
#' @return `onnx_forward()`: list(`Y` `c(T, dirs, B, H)` (layout 1: `c(B, T, dirs, H)`),
#'   `Y_h` `c(dirs, B, H)` (layout 1: `c(B, dirs, H)`), and for the LSTM `Y_c`).
#' @export
onnx_forward <- function(cell, X, W, R, B = NULL, sequence_lens = NULL, initial_h = NULL,
                         initial_c = NULL, P = NULL, ...) {
  attributes <- list(...)
  check_onnx_attributes(cell, attributes)
  layout <- if (is.null(attributes$layout)) 0 else attributes$layout
  if (layout == 1) {
    X <- aperm(X, c(2, 1, 3))
    if (!is.null(initial_h)) initial_h <- aperm(initial_h, c(2, 1, 3))
    if (!is.null(initial_c)) initial_c <- aperm(initial_c, c(2, 1, 3))
  }
  T <- dim(X)[1]
  if (!is.null(sequence_lens) && any(sequence_lens != T)) {
    stop(sprintf("sequence_lens = [%s]: only full-length sequences (all %d) are supported; lstmparity's ",
                 paste(sequence_lens, collapse = ", "), T),
         "masks carry the state, where ONNX zeroes Y", call. = FALSE)
  }
  direction <- if (is.null(attributes$direction)) "forward" else attributes$direction
  dirs <- if (direction == "bidirectional") 2 else 1
  state <- function(a, k) if (is.null(a)) NULL else matrix(a[k, , ], dim(a)[2])
  ys <- hs <- cs <- list()
  for (k in seq_len(dirs)) {
    p <- from_onnx(W, R, B, P, cell = cell, index = k, ...)
    backwards <- direction == "reverse" || k == 2
    x <- if (backwards) X[rev(seq_len(T)), , , drop = FALSE] else X
    h0 <- state(initial_h, k)
    if (cell == "lstm") {
      out <- lstm_forward(x, p$W, p$U, p$b, h0, state(initial_c, k))$out
      cs[[k]] <- out$c[[T]]
    } else if (cell == "gru") {
      out <- gru_forward(x, p$W, p$U, p$b, p$b_hn, h0, reset_after = p$reset_after)$out
    } else {
      out <- rnn_forward(x, p$W, p$U, p$b, h0)$out
    }
    hs[[k]] <- out$h[[T]]
    ys[[k]] <- stack_steps(if (backwards) rev(out$h) else out$h) # (T, B, H)
  }
  Bsz <- dim(X)[2]; H <- ncol(hs[[1]])
  Y <- array(0, c(T, dirs, Bsz, H))
  for (k in seq_len(dirs)) Y[, k, , ] <- ys[[k]]
  stack_dirs <- function(l) {
    a <- array(0, c(dirs, Bsz, H))
    for (k in seq_len(dirs)) a[k, , ] <- l[[k]]
    a
  }
  res <- list(Y = Y, Y_h = stack_dirs(hs))
  if (cell == "lstm") res$Y_c <- stack_dirs(cs)
  if (layout == 1) {
    res$Y <- aperm(res$Y, c(3, 1, 2, 4))
    for (k in setdiff(names(res), "Y")) res[[k]] <- aperm(res[[k]], c(2, 1, 3))
  }
  res
}
