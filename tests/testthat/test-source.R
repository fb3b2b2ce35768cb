# R/source.R: loading R/ without installing the package.

test_that("lstmparity_source() defines every file's functions in the environment it is given", {
  root <- repo_root()
  if (is.null(root)) skip("needs the repository checkout (R/ is not in the installed package)")
  env <- new.env(parent = globalenv())
  out <- lstmparity_source(file.path(root, "R"), envir = env)
  expect_identical(out, env)
  expect_true(all(c("lstm_forward", "as_rows", "read_case", "PM_MODULUS") %in% ls(env)))
  expect_identical(environment(env$lstm_forward), env) # its helpers are found there, not in the package
})

test_that("lstmparity_source() on a folder without R files says so", {
  empty <- tempfile("empty")
  dir.create(empty)
  on.exit(unlink(empty, recursive = TRUE), add = TRUE)
  expect_error(lstmparity_source(empty), "no .R files in")
})
