# The vanishing-gradient picture in R: ||dL/dh_t|| against the distance from the loss.
#   Rscript examples/vanishing_gradients.R [out.png]
#   (from the repository root, or anywhere with the package installed)
# Same set-up as examples/vanishing_gradients.py (R's random numbers, so other values):
# the LSTM's forget gate, then RNN, GRU and LSTM on the first-token task (docs/cells.md).

# From a checkout: the R/ sources; elsewhere: the installed package.
if (file.exists("R/source.R")) {
  source("R/source.R")
  lp <- lstmparity_source("R")
} else {
  lp <- asNamespace("lstmparity")
}
T <- 200; B <- 4; D <- 8; H <- 16
config <- list(D = D, H = H, V = NULL, K = 1, head = "many_to_one_sigmoid")
set.seed(0)
batch <- list(x = array(rnorm(T * B * D), c(T, B, D)), targets = rbinom(B, 1, 0.5))
curves <- list()
for (forget_bias in c(-3, 0, 3)) {
  params <- lp$init_params(config, 1)
  params$b[H + 1:H] <- forget_bias # the f block of b (gates i, f, g, o)
  norms <- lp$gradient_norms(params, config, batch)
  label <- sprintf("forget bias %+.0f", forget_bias)
  curves[[label]] <- norms
  cat(sprintf("%s: ||dL/dh|| at distance 0: %.3e, 10: %.3e, 50: %.3e, 199: %.3e\n",
              label, norms[T], norms[T - 10], norms[T - 50], norms[1]))
}
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "out/vanishing_gradients_r.png"
dir.create(dirname(out), showWarnings = FALSE, recursive = TRUE)
lp$plot_gradient_norms(curves, out)
cat("wrote", out, "\n")

# Three cells, one task (R/cell_demo.R): remember the first of T one-hot tokens.
# ||dL/dh_t|| at initialisation for T = 100, then each cell trained with Adam at T = 40.
cells <- c("rnn", "gru", "lstm")
curves <- lapply(setNames(cells, cells), function(cell) lp$cell_gradient_norms(cell, T = 100))
for (cell in cells) {
  n <- curves[[cell]]
  cat(sprintf("%-4s: ||dL/dh_t|| / ||dL/dh_T|| at distance 10: %.2e, 40: %.2e, 99: %.2e\n",
              cell, n[90] / n[100], n[60] / n[100], n[1] / n[100]))
}
out_cells <- file.path(dirname(out), "vanishing_gradients_cells_r.png")
lp$plot_gradient_norms(curves, out_cells, title = "first-token task, T = 100, at initialisation")
cat("wrote", out_cells, "\n")
cat("remember the first of T = 40 tokens, 1000 Adam steps of 64: held-out accuracy\n")
for (cell in cells) {
  result <- lp$train_first_token(cell, T = 40, steps = 1000, seed = 0)
  cat(sprintf("%-4s: seed 0: %.3f (final training loss %.3f)\n", cell, result$accuracy,
              mean(tail(result$loss, 50))))
}
