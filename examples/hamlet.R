# Demo 1 in R: the character model on the Hamlet passage.
#   Rscript examples/hamlet.R [epochs]        (from the repository root, or anywhere with the package installed)
# Prints greedy next-character accuracy and ms/epoch; writes out/hamlet_r.json and out/hamlet_r.png.

# From a checkout: the R/ sources; elsewhere: the installed package.
if (file.exists("R/source.R")) {
  source("R/source.R")
  lp <- lstmparity_source("R")
} else {
  lp <- asNamespace("lstmparity")
}
args <- commandArgs(trailingOnly = TRUE)
epochs <- if (length(args)) as.integer(args[1]) else 1000L
s <- lp$train_hamlet(epochs = epochs, progress = interactive() || isatty(stdout()))
cat(sprintf("\nhamlet (R): greedy next-character accuracy %.4f after %d epochs, %.1f ms/epoch mean, %.1f median\n",
            s$accuracy, nrow(s$result$history), s$ms_per_epoch, s$ms_per_epoch_median))
first <- which(s$result$history$accuracy >= 0.99)[1]
if (!is.na(first)) cat(sprintf("training accuracy first reached 99%% at epoch %d\n", first))
lp$save_model("out/hamlet_r.json", s$result$params, s$config, s$vocab, list(task = "hamlet"))
lp$plot_history(s$result$history, "out/hamlet_r.png", "hamlet (R)")
cat("wrote out/hamlet_r.json, out/hamlet_r.png\n")
