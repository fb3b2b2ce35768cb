# lintr over every R file of the repository, with the committed .lintr config.
# Exits 1 (printing each lint) when any file has a lint. Usage: Rscript tests/lint_r.R
# (from the repository root; `make lint` runs it after ruff).
dirs <- c("R", "tests", "tests/testthat", "conformance", "conformance/mutants", "conformance/examples",
          "examples", "bench")
files <- list.files(dirs[dir.exists(dirs)], pattern = "[.][Rr]$", full.names = TRUE)
if (!length(files)) stop("lint_r.R: no R files found; run it from the repository root")
lints <- unlist(lapply(files, lintr::lint), recursive = FALSE)
if (length(lints)) {
  print(structure(lints, class = "lints"))
  cat(sprintf("lint_r.R: %d lint(s) in %d R files\n", length(lints), length(files)))
  quit(status = 1)
}
cat(sprintf("lint_r.R: %d R files, no lints\n", length(files)))
