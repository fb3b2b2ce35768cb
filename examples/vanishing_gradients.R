# The vanishing-gradient picture in R: ||dL/dh_t|| against the distance from the loss.
#   Rscript examples/vanishing_gradients.R [out.png]
#   (from the repository root, or anywhere with the package installed)
# Same set-up as examples/vanishing_gradients.py (R's random numbers, so other values):
# the LSTM's forget gate, then RNN, GRU and LSTM on the noisy-bit task (docs/cells.md),
# 1.5 min in all with one BLAS thread (Python's script: 30 s).

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

# Three cells, one task (R/cell_demo.R): remember a bit shown at the first step through T - 1
# steps of Gaussian noise on the same input. ||dL/dh_t|| at initialisation for T = 100, then
# each cell trained at T = 50 from five seeds (Adam, lr 0.003, clipping at norm 1, 500 batches of 32).
cells <- c("rnn", "gru", "lstm")
curves <- lapply(setNames(cells, cells), function(cell) lp$cell_gradient_norms(cell, T = 100))
for (cell in cells) {
  n <- curves[[cell]]
  cat(sprintf("%-4s: ||dL/dh_t|| / ||dL/dh_T|| at distance 10: %.2e, 40: %.2e, 99: %.2e\n",
              cell, n[90] / n[100], n[60] / n[100], n[1] / n[100]))
}
out_cells <- file.path(dirname(out), "vanishing_gradients_cells_r.png")
lp$plot_gradient_norms(curves, out_cells, title = "noisy-bit task, T = 100, at initialisation")
cat("wrote", out_cells, "\n")
seeds <- 0:4
cat("remember a bit through T = 50 steps of noise, 500 Adam steps of 32: held-out accuracy\n")
cat("cell  ", paste(sprintf("seed %d", seeds), collapse = "  "), "   time\n", sep = "")
for (cell in cells) {
  start <- proc.time()[["elapsed"]]
  acc <- vapply(seeds, function(seed) lp$train_noisy_bit(cell, T = 50, steps = 500, seed = seed)$accuracy, 0)
  cat(sprintf("%-4s  %s  %5.0f s\n", cell, paste(sprintf("%6.3f", acc), collapse = "  "),
              proc.time()[["elapsed"]] - start))
}
