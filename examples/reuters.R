# Demo 2 in R: acq vs crude (Reuters-21578, from r-cran-tm), embedding + LSTM + sigmoid head.
#   Rscript examples/reuters.R [epochs]       (from the repository root, or anywhere with the package installed)
# Prints the test-split accuracy per epoch and at the end (a demo figure: the settings were chosen
# looking at it, so it is not a held-out estimate; docs/training.md); writes out/reuters_r.json, .png.

# From a checkout: the R/ sources; elsewhere: the installed package.
if (file.exists("R/source.R")) {
  source("R/source.R")
  lp <- lstmparity_source("R")
} else {
  lp <- asNamespace("lstmparity")
}
args <- commandArgs(trailingOnly = TRUE)
epochs <- if (length(args)) as.integer(args[1]) else 25L
s <- lp$train_reuters(epochs = epochs, progress = interactive() || isatty(stdout()))
cat("\n")
print(s$result$history[, c("epoch", "loss", "accuracy", "valid_loss", "valid_accuracy")], digits = 4)
n_test <- length(lp$text_datasets(lp$read_reuters(), 3, 50)$test$tokens)
cat(sprintf("reuters (R): test-split accuracy %.4f (%d of %d documents), %.1f ms/epoch mean, %.1f median\n",
            s$accuracy, round(s$accuracy * n_test), n_test, s$ms_per_epoch, s$ms_per_epoch_median))
lp$save_model("out/reuters_r.json", s$result$params, s$config, s$vocab, list(task = "reuters"))
lp$plot_history(s$result$history, "out/reuters_r.png", "reuters (R)")
cat("wrote out/reuters_r.json, out/reuters_r.png\n")
