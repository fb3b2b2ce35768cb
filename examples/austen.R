# The Austen task (examples/austen.py) with our R LSTM: test accuracy over 5 seeds and seconds per epoch.
#   OPENBLAS_NUM_THREADS=1 Rscript examples/austen.R
#   (from the repository root, or anywhere with the package installed)
# Settings: examples/austen_settings.json (the file examples/austen.py reads; chosen on the
# validation split with examples/austen.py --select). Initial weights come from R's own generator
# (init_params()), so the seeds give other starting points than in Python: compare means and sds.

# From a checkout: the R/ sources; elsewhere: the installed package.
if (file.exists("R/source.R")) {
  source("R/source.R")
  lp <- lstmparity_source("R")
} else {
  lp <- asNamespace("lstmparity")
}
settings <- if (file.exists("examples/austen_settings.json")) "examples/austen_settings.json" else
  file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1])), "austen_settings.json")
s <- jsonlite::fromJSON(settings)
raw <- lp$read_reuters(lp$dataset_path("austen_sentences.json"), need = c("train", "valid", "test"))
sets <- lp$text_splits(raw, s$min_count, s$max_len)
config <- list(D = s$embed, H = s$hidden, V = length(sets$vocab), K = 1L, head = "many_to_one_sigmoid")
cat(sprintf("austen (R): %d train / %d test sentences, vocabulary %d\n", length(sets$train$tokens),
            length(sets$test$tokens), length(sets$vocab)))
runs <- lapply(s$seeds, function(seed) {
  params <- lp$init_params(config, seed)
  params$E <- params$E * 0.1
  opts <- lp$train_options(epochs = s$epochs, batch_size = s$batch_size,
                           optimizer = list(name = "adam", lr = s$lr), clip = list(max_norm = s$clip_norm),
                           seed = seed, progress = FALSE)
  res <- lp$train_model(params, config, sets$train, NULL, opts)
  c(test = lp$evaluate(res$params, config, sets$test)[["accuracy"]], seconds = mean(res$history$seconds))
})
acc <- vapply(runs, `[[`, 0, "test")
cat(sprintf("%-28s %13.4f +- %.4f   %s %8.3f\n", "lstmparity (R)", mean(acc), stats::sd(acc),
            paste(sprintf("%.3f", acc), collapse = " "), mean(vapply(runs, `[[`, 0, "seconds"))))
