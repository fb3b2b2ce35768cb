# Loading the R code without installing the package.

#' Load the R code without installing the package
#'
#' Two ways in:
#'
#' * Installed: `R CMD INSTALL .` (from the repository root), then
#'   `library(lstmparity)`.
#' * Not installed: from the repository root,
#'   `source("R/source.R"); lp <- lstmparity_source()`, then
#'   `lp$run_case(lp$read_case("fixtures/tiny_random.json"))`
#'   (or `lstmparity_source(envir = globalenv())` to define everything globally).
#'
#' Every `.R` file in `dir` is evaluated into `envir`, in alphabetical order
#' (the files only define functions and constants, so the order does not matter).
#' Run-time dependencies are base R and jsonlite, called as `jsonlite::`.
#'
#' @param dir the package's `R/` folder.
#' @param envir the environment to load into; a new one by default.
#' @return `envir`, invisibly when it was given.
#' @examples
#' \dontrun{
#' source("R/source.R")
#' lp <- lstmparity_source("R")
#' result <- lp$run_case(lp$read_case("fixtures/tiny_random.json"))
#' }
#' @export
lstmparity_source <- function(dir = "R", envir = new.env(parent = globalenv())) {
  files <- sort(list.files(dir, pattern = "\\.[Rr]$", full.names = TRUE))
  if (!length(files)) stop(sprintf("lstmparity_source(): no .R files in '%s'", dir))
  for (f in files) sys.source(f, envir = envir, keep.source = FALSE)
  # the files the package ships in inst/ (spec/tensors.json, schema/case.schema.json): the checkout's
  assign("LSTMPARITY_INST", normalizePath(file.path(dir, "..", "inst"), mustWork = FALSE), envir = envir)
  envir
}
