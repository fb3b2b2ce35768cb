# Both ways in: the installed package and the sourced files compute the same.

test_that("the source route loads every function without installing", {
  root <- repo_root()
  if (is.null(root)) skip("needs the repository checkout (R/ is not in the installed package)")
  env <- new.env(parent = globalenv())
  sys.source(file.path(root, "R", "source.R"), envir = env)
  lp <- env$lstmparity_source(file.path(root, "R"))
  case <- random_case(config_of(3, 2, 2, 3, "many_to_one_softmax", K = 2), seed = 21)
  expect_identical(lp$run_case(case), run_case(case))
  expect_true(all(getNamespaceExports("lstmparity") %in% ls(lp)))
})

test_that("R CMD INSTALL into a temporary library, then library(lstmparity)", {
  skip_on_cran()
  root <- repo_root()
  if (is.null(root)) skip("needs the repository checkout to install from")
  lib <- tempfile("lib")
  dir.create(lib)
  on.exit(unlink(lib, recursive = TRUE), add = TRUE)
  r <- file.path(R.home("bin"), "R")
  log <- system2(r, c("CMD", "INSTALL", "--no-test-load", "--no-docs",
                     paste0("--library=", shQuote(lib)), shQuote(root)),
                 stdout = TRUE, stderr = TRUE)
  expect_true(dir.exists(file.path(lib, "lstmparity")), info = paste(log, collapse = "\n"))
  script <- tempfile(fileext = ".R")
  writeLines(c(
    sprintf("library(lstmparity, lib.loc = %s)", deparse(lib)),
    "case <- list(config = list(T = 2L, B = 1L, D = 1L, H = 1L, V = NULL, K = NULL, head = 'none'),",
    "             params = list(W = matrix(c(1.65, 1.63, 0.94, -0.19), 1), U = matrix(c(2, 2.7, 1.41, 4.38), 1),",
    "                           b = c(0.62, 1.62, -0.32, 0.59)),",
    "             inputs = list(x = array(1, c(2, 1, 1)), proj = array(1, c(2, 1, 1))))",
    "cat(sprintf('%.17g', run_case(case)$forward$loss))"
  ), script)
  out <- system2(file.path(R.home("bin"), "Rscript"), shQuote(script), stdout = TRUE, stderr = TRUE)
  case <- list(config = config_of(2L, 1L, 1L, 1L),
               params = list(W = matrix(c(1.65, 1.63, 0.94, -0.19), 1), U = matrix(c(2, 2.7, 1.41, 4.38), 1),
                             b = c(0.62, 1.62, -0.32, 0.59)),
               inputs = list(x = array(1, c(2, 1, 1)), proj = array(1, c(2, 1, 1))))
  expect_identical(as.numeric(out[length(out)]), run_case(case)$forward$loss)
})
