# The layout rule: every topic R/<topic>.R has its tests in
# tests/testthat/test-<topic>.R (underscores written as hyphens:
# R/run_case.R -> test-run-case.R), so the reader finds a function's tests by
# its file name. R/lstmparity-package.R holds only the package's help page.

paired_test_file <- function(r_file) {
  paste0("test-", gsub("_", "-", sub("[.]R$", "", r_file)), ".R")
}

test_that("the pairing maps a topic file to its test file", {
  expect_identical(paired_test_file("layer.R"), "test-layer.R")
  expect_identical(paired_test_file("run_case.R"), "test-run-case.R")
})

test_that("every R/<topic>.R has tests/testthat/test-<topic>.R", {
  root <- repo_root()
  if (is.null(root)) skip("needs the repository checkout (R/ is not in the installed package)")
  topics <- setdiff(list.files(file.path(root, "R"), pattern = "[.]R$"), "lstmparity-package.R")
  expect_gt(length(topics), 10L) # the check below checked something
  tests <- list.files(file.path(root, "tests", "testthat"), pattern = "^test-.*[.]R$")
  missing <- topics[!paired_test_file(topics) %in% tests]
  expect(!length(missing), paste0("no test file for: ", paste0("R/", missing, " (expected tests/testthat/",
                                  paired_test_file(missing), ")", collapse = ", ")))
})

test_that("no two R files define the same top-level name (the package keeps only the last one)", {
  root <- repo_root()
  if (is.null(root)) skip("needs the repository checkout (R/ is not in the installed package)")
  files <- list.files(file.path(root, "R"), pattern = "[.]R$", full.names = TRUE)
  defined <- lapply(files, function(f) {
    env <- new.env()
    sys.source(f, envir = env)
    ls(env, all.names = TRUE)
  })
  names(defined) <- basename(files)
  where <- split(rep(names(defined), lengths(defined)), unlist(defined))
  expect_gt(length(where), 50L) # the check below checked something
  twice <- where[lengths(where) > 1L]
  expect(!length(twice), paste0("defined in more than one file: ",
                                paste0(names(twice), " (", vapply(twice, paste, "", collapse = ", "), ")",
                                       collapse = "; ")))
})
