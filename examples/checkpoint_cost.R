# What writing a checkpoint costs in R at the Hamlet shape (B = 1, T = 865, H = 25, V = 32), and
# that resuming from one is bit-identical. The R twin of examples/checkpoint_cost.py.
#
#   OPENBLAS_NUM_THREADS=1 Rscript examples/checkpoint_cost.R [epochs] [repeats]
#
# Times one save_checkpoint() of the Hamlet training state (median of 20). Then trains the Hamlet
# model for `epochs` (default 100) three ways, interleaved and repeated `repeats` times (default
# 3; the median run of each is reported): no checkpoint; the default checkpointing (a write after
# an epoch once 20x the last write's time has passed, plus one at the end); a write after every
# epoch. Prints the CPU time per epoch including the writes (stable on a shared machine), the
# number of writes and the overhead relative to no checkpoint. Then trains 20 epochs straight and
# 8 + a resume from the file to 20, and checks that the final parameters are identical bit for bit.

if (requireNamespace("pkgload", quietly = TRUE) && file.exists("DESCRIPTION")) {
  pkgload::load_all(".", quiet = TRUE)
} else {
  library(lstmparity)
}

hamlet_run <- function(epochs, checkpoint = NULL, every = NULL, state = NULL) {
  text <- read_text(dataset_path("hamlet.txt"))
  vocab <- char_vocab(text)
  V <- length(vocab)
  config <- list(D = V, H = 25, V = V, K = V, head = "many_to_many_softmax")
  params <- init_params(config, 0)
  params$E <- diag(V)
  opts <- train_options(epochs = epochs, batch_size = 1, optimizer = list(name = "adam", lr = 0.01),
                        clip = list(max_norm = 5), shuffle = FALSE, progress = FALSE,
                        checkpoint = checkpoint, checkpoint_every = every)
  writes <- 0L
  last <- -Inf
  count <- function() { # a write changes the file's modification time
    if (!is.null(checkpoint) && file.exists(checkpoint) && file.mtime(checkpoint) > last) {
      writes <<- writes + 1L
      last <<- file.mtime(checkpoint)
    }
  }
  cpu <- proc.time()
  res <- train_model(params, config, char_dataset(text, vocab), NULL, opts, state = state,
                     on_step = function(s) count())
  cpu <- proc.time() - cpu
  count() # the write at the end
  list(cpu = (cpu[["user.self"]] + cpu[["sys.self"]]) / epochs, wall = cpu[["elapsed"]] / epochs,
       writes = writes, res = res, config = config, opts = opts)
}

args <- as.integer(commandArgs(trailingOnly = TRUE))
epochs <- if (length(args) >= 1) args[1] else 100L
repeats <- if (length(args) >= 2) args[2] else 3L
dir <- tempfile("ck")
dir.create(dir)
ck <- file.path(dir, "ck.json")

warm <- hamlet_run(5)
write_ms <- vapply(1:20, function(k) {
  t0 <- proc.time()[["elapsed"]]
  save_checkpoint(ck, warm$res$state, warm$config, warm$opts)
  proc.time()[["elapsed"]] - t0
}, 0) * 1000
cat(sprintf("one checkpoint write at the Hamlet shape: %.1f ms (median of 20), %.0f kB\n",
            stats::median(write_ms), file.size(ck) / 1000))

ways <- list("no checkpoint" = list(NULL, NULL), "default (adaptive)" = list(ck, NULL), "every epoch" = list(ck, 1))
runs <- lapply(ways, function(w) list())
for (r in seq_len(repeats)) {
  for (name in names(ways)) {
    unlink(ck)
    runs[[name]][[r]] <- hamlet_run(epochs, ways[[name]][[1]], ways[[name]][[2]])
  }
}
base <- stats::median(vapply(runs[[1]], function(x) x$cpu, 0))
cat(sprintf("%d epochs, median of %d interleaved runs; per epoch, writes included:\n", epochs, repeats))
cat(sprintf("%-20s %7s %14s %14s %9s\n", "", "writes", "CPU ms/epoch", "wall ms/epoch", "overhead"))
for (name in names(ways)) {
  cpu <- stats::median(vapply(runs[[name]], function(x) x$cpu, 0))
  wall <- stats::median(vapply(runs[[name]], function(x) x$wall, 0))
  writes <- stats::median(vapply(runs[[name]], function(x) x$writes, 0))
  cat(sprintf("%-20s %7d %14.1f %14.1f %9s\n", name, as.integer(writes), 1000 * cpu, 1000 * wall,
              if (name == names(ways)[1]) "-" else sprintf("%+.1f%%", 100 * (cpu / base - 1))))
}

unlink(ck)
straight <- hamlet_run(20)$res
invisible(hamlet_run(8, checkpoint = ck))
resumed <- hamlet_run(20, state = load_checkpoint(ck)$state)$res
cat(sprintf("resume after 8 of 20 epochs from the file: final parameters bit-identical: %s\n",
            identical(straight$params, resumed$params)))
unlink(dir, recursive = TRUE)
