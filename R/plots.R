# Pictures of training, base graphics. Mirrors python/lstmparity/training/plots.py.

#' Training curves and the vanishing-gradient picture
#'
#' `plot_history()`: loss (log scale) and accuracy per epoch, train and held-out.
#' `gradient_norms()`: `||dL/dh_t||` (over the batch) for t = 1..T from the backward
#' trace of [model_backward()]. `plot_gradient_norms()`: those norms against the
#' distance from the loss, `T - t`, log scale: with a many-to-one head the loss looks
#' at the last step only, so this is how much gradient survives travelling back.
#'
#' @param history the `history` data frame of [train_model()].
#' @param path a PNG file, or `NULL` to draw on the current device.
#' @param title plot title.
#' @param params,config,batch the model and one batch ([make_batch()]).
#' @param curves named list of norm vectors (from `gradient_norms()`).
#' @return `gradient_norms()`: numeric vector of length T; the plots: `path`, invisibly.
#' @name plots
NULL

#' @rdname plots
#' @export
plot_history <- function(history, path = NULL, title = "training") {
  if (!is.null(path)) {
    grDevices::png(path, width = 1000, height = 400)
    on.exit(grDevices::dev.off())
  }
  old <- graphics::par(mfrow = c(1, 2))
  on.exit(graphics::par(old), add = TRUE, after = FALSE)
  held <- !is.null(history$valid_loss)
  losses <- c(history$loss, if (held) history$valid_loss)
  graphics::plot(history$epoch, history$loss, type = "l", log = "y", ylim = range(losses),
                 xlab = "epoch", ylab = "loss", main = paste0(title, ": loss"))
  if (held) graphics::lines(history$epoch, history$valid_loss, col = 2)
  graphics::plot(history$epoch, history$accuracy, type = "l", ylim = c(0, 1), xlab = "epoch",
                 ylab = "accuracy", main = paste0(title, ": accuracy"))
  if (held) graphics::lines(history$epoch, history$valid_accuracy, col = 2)
  graphics::legend("bottomright", c("train", if (held) "held-out"), col = 1:2, lty = 1)
  invisible(path)
}

#' @rdname plots
#' @export
gradient_norms <- function(params, config, batch) {
  dh <- model_backward(model_forward(params, config, batch)$cache)$trace$dh # T matrices, c(B, H)
  vapply(dh, function(d) sqrt(sum(d * d)), numeric(1))
}

#' @rdname plots
#' @export
plot_gradient_norms <- function(curves, path = NULL,
                                title = "||dL/dh_t|| against distance from the loss") {
  if (!is.null(path)) {
    grDevices::png(path, width = 700, height = 400)
    on.exit(grDevices::dev.off())
  }
  all <- pmax(unlist(curves), 1e-300)
  T <- max(lengths(curves))
  graphics::plot(NA, xlim = c(0, T - 1), ylim = range(all), log = "y", main = title,
                 xlab = "steps between h_t and the loss (T - t)", ylab = "||dL/dh_t||")
  for (k in seq_along(curves)) {
    n <- length(curves[[k]])
    graphics::lines(rev(seq_len(n)) - 1, pmax(curves[[k]], 1e-300), col = k)
  }
  graphics::legend("topright", names(curves), col = seq_along(curves), lty = 1)
  invisible(path)
}
