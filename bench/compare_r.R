# Compare the R port's forward + backward time across versions of R/, and
# against the bare-arithmetic floor (bench_floor() in bench/bench_rpy2.R),
# interleaved in one R process so that machine noise hits all of them alike.
#
#   git worktree add /tmp/lstmparity-old <commit>          # an older version, once
#   Rscript bench/compare_r.R /tmp/lstmparity-old/R R       # from the repository root
#
# Prints, per R/ directory and for the floor, the median and the minimum over
# `rounds` rounds of 5 passes each, at B=32, T=64, D=64, H=128 (or B T D H
# given after the directories as --shape=B,T,D,H). Each R/ directory is loaded
# with bench_load(), which byte-compiles the functions of the pass (left to the
# JIT, every copy after the first would run uncompiled). For the settings of the
# R process that matter here, see docs/R.md (R_GC_MEM_GROW, MALLOC_*).

compare_main <- function(args) {
  shape_arg <- grep("^--shape=", args, value = TRUE)
  dirs <- setdiff(args, shape_arg)
  if (!length(dirs)) stop("usage: Rscript bench/compare_r.R R_DIR [R_DIR ...] [--shape=B,T,D,H]")
  missing <- dirs[!file.exists(file.path(dirs, "layer.R"))]
  if (length(missing)) stop("no layer.R in: ", paste(missing, collapse = ", "))
  shape <- c(32L, 64L, 64L, 128L)
  if (length(shape_arg)) shape <- as.integer(strsplit(sub("^--shape=", "", shape_arg), ",")[[1]])
  B <- shape[1]; T <- shape[2]; D <- shape[3]; H <- shape[4]
  script <- new.env()
  sys.source(file.path("bench", "bench_rpy2.R"), envir = script)
  impls <- lapply(dirs, script$bench_load)
  runs <- c(lapply(impls, function(impl) script$bench_prepare(impl, B, T, D, H)),
            list(script$bench_prepare_floor(B, T, D, H)))
  names(runs) <- c(dirs, "floor")
  for (run in runs) run(3) # warm-up (R byte-compiles in the first calls)
  rounds <- 12L
  ms <- cpu <- matrix(NA_real_, rounds, length(runs), dimnames = list(NULL, names(runs)))
  for (r in seq_len(rounds)) {
    for (j in seq_along(runs)) {
      tm <- runs[[j]](5) / 5 * 1000
      ms[r, j] <- tm[1]
      cpu[r, j] <- tm[2]
    }
  }
  cat(sprintf("B=%d T=%d D=%d H=%d, %d rounds of 5 passes, ms per forward + backward (wall; CPU of all threads):\n",
              B, T, D, H, rounds))
  med <- apply(ms, 2, stats::median)
  cat(sprintf("  %-40s median %7.1f   min %7.1f   x floor %5.2f   CPU median %7.1f (x floor %5.2f)\n", names(runs),
              med, apply(ms, 2, min), med / med[["floor"]], apply(cpu, 2, stats::median),
              apply(cpu, 2, stats::median) / stats::median(cpu[, "floor"])), sep = "")
}

if (sys.nframe() == 0L) compare_main(commandArgs(trailingOnly = TRUE))
