# Broken fixtures are refused with an lstmparity_input_error whose message names
# the file, the field (JSON path) and what was expected. The corpus and its
# manifest are tests/broken/ (written by tests/broken/make_broken.py; see its
# README.md); the same manifest drives tests/python/test_broken_inputs.py.

# tests/broken of the checkout; NULL inside R CMD check (the built package has no corpus).
broken_dir <- function() {
  d <- normalizePath(test_path("..", "broken"), mustWork = FALSE)
  if (file.exists(file.path(d, "expected_errors.json"))) d else NULL
}

skip_if_no_corpus <- function() {
  if (is.null(broken_dir())) {
    skip(paste("tests/broken/ not found: the broken-fixture corpus lives in the repository, not in the",
               "built package; run the tests from the checkout (make test)"))
  }
}

# Defects of R/fixtures.R, R/schema.R found by this corpus (see the report).
KNOWN_ISSUES <- c() # none left: the defects listed here were fixed in R/fixtures*.R

# The message names the JSON path: "params.W" (or deeper), or "params: 'W'".
names_field <- function(message, field) {
  if (grepl(paste0(gsub(".", "\\.", field, fixed = TRUE), "($|[^A-Za-z0-9_])"), message)) return(TRUE)
  parts <- strsplit(field, ".", fixed = TRUE)[[1]]
  key <- parts[length(parts)]
  parent <- paste(parts[-length(parts)], collapse = ".")
  grepl(paste0("'", key, "'"), message, fixed = TRUE) &&
    (!nzchar(parent) || grepl(paste0(parent, ":"), message, fixed = TRUE))
}

says_expected <- function(message, expect) {
  any(vapply(expect, function(e) grepl(tolower(e), tolower(message), fixed = TRUE), logical(1)))
}

# The condition read_fixture() signals on path (NULL when accepted). A warning on
# the way is returned as the problem itself.
refusal <- function(path) {
  tryCatch({
    read_fixture(path)
    NULL
  }, error = function(e) e, warning = function(w) w)
}

# What is wrong with the refusal of entry$file, or NULL when it is clear.
problem <- function(cond, entry) {
  if (is.null(cond)) return("accepted")
  msg <- conditionMessage(cond)
  if (!inherits(cond, "lstmparity_input_error")) {
    return(sprintf("a %s, not an lstmparity_input_error: %s", class(cond)[1], msg))
  }
  if (!grepl(entry$file, msg, fixed = TRUE)) return(paste("the file is not named:", msg))
  rest <- gsub(entry$file, "<file>", msg, fixed = TRUE) # words of the file name must not pass the checks
  expect <- unlist(entry$expect)
  if (!is.null(entry$field) && !names_field(rest, entry$field)) return(paste(entry$field, "is not named:", msg))
  if (!says_expected(rest, expect)) return(sprintf("says none of %s: %s", toString(expect), msg))
  NULL
}

check_refusal <- function(cond, entry) {
  p <- problem(cond, entry)
  expect(is.null(p), sprintf("%s: %s", entry$file, p))
}

new_tempdir <- function() {
  d <- tempfile("lstmparity-broken-")
  dir.create(d)
  d
}

# fixtures/ of the checkout (the corpus bases), or skip.
base_fixtures <- function() {
  d <- file.path(dirname(dirname(broken_dir())), "fixtures")
  if (!file.exists(file.path(d, "batch_all_dims_differ.json"))) skip("fixtures/ not found next to tests/broken/")
  d
}

manifest <- function() jsonlite::fromJSON(file.path(broken_dir(), "expected_errors.json"), simplifyVector = FALSE)

test_that("the message checks can fail", {
  msg <- "x.json: params.W: expected a 5 x 16 matrix, got 5 x 15"
  expect_true(names_field(msg, "params.W"))
  expect_false(names_field(msg, "params.Wy"))
  expect_false(names_field(msg, "params.U"))
  expect_true(names_field("f.json: params: 'W' is a required property", "params.W"))
  expect_true(says_expected(msg, c("(5, 16)", "5 x 16")))
  expect_false(says_expected(msg, c("(16, 5)", "16 x 5")))
})

test_that("every broken fixture is refused with file, field and what was expected", {
  skip_if_no_corpus()
  entries <- manifest()
  expect_gt(length(entries), 50)
  for (entry in entries) {
    if (entry$file %in% names(KNOWN_ISSUES)) next # reported by the test below
    check_refusal(refusal(file.path(broken_dir(), entry$file)), entry)
  }
})

# A known issue skips with its reason while it lasts, and fails once it is fixed
# (so that it is taken off the list and checked like the others).
for (file in names(KNOWN_ISSUES)) {
  test_that(paste("known issue:", file), {
    skip_if_no_corpus()
    entry <- Find(function(e) e$file == file, manifest())
    p <- problem(refusal(file.path(broken_dir(), file)), entry)
    if (!is.null(p)) skip(paste("known issue:", KNOWN_ISSUES[[file]]))
    fail(paste(file, "is refused clearly now: remove it from KNOWN_ISSUES"))
  })
}

test_that("the corpus bases read cleanly (each broken file is one of them with one change)", {
  skip_if_no_corpus()
  fixtures <- base_fixtures()
  for (name in c("batch_all_dims_differ", "many_to_one_softmax_masked",
                 "many_to_one_binary_masked_embedding", "sgd_clip_norm")) {
    expect_type(read_fixture(file.path(fixtures, paste0(name, ".json"))), "list")
  }
})

test_that("case_paths() lists only .json files (not .name.tmp leftovers)", {
  dir <- new_tempdir()
  writeLines("{}", file.path(dir, "a.json"))
  writeLines("{", file.path(dir, ".a.json.x1y2.tmp"))
  writeLines("", file.path(dir, "notes.txt"))
  expect_identical(basename(case_paths(dir)), "a.json")
})

# A ~50 MB case whose last step of inputs.x is ragged (the same file as
# make_broken.write_big_case()). No time limit: the time is printed.
test_that("a 50 MB case errors cleanly", {
  skip_if_no_corpus()
  skip_on_cran()
  skip_if(nzchar(Sys.getenv("LSTMPARITY_SKIP_BIG")), "LSTMPARITY_SKIP_BIG is set")
  case <- jsonlite::fromJSON(file.path(base_fixtures(), "batch_all_dims_differ.json"),
                             simplifyVector = FALSE)
  B <- case$config$B; D <- case$config$D; H <- case$config$H
  row <- function(n, v) paste0("[", paste(rep(v, n), collapse = ", "), "]")
  step_x <- paste0("[", paste(rep(row(D, "0.12345678901234567"), B), collapse = ", "), "]")
  last_x <- paste0("[", paste(c(rep(row(D, "0.12345678901234567"), B - 1), row(D - 1, "0.5")), collapse = ", "), "]")
  step_p <- paste0("[", paste(rep(row(H, "-0.9876543210987654"), B), collapse = ", "), "]")
  T <- as.integer(50e6 / (nchar(step_x) + nchar(step_p) + 4))
  case$config$T <- T
  case$expected <- NULL
  case$inputs <- list(x = "@X@", proj = "@P@")
  text <- jsonlite::toJSON(case, auto_unbox = TRUE, null = "null", digits = NA)
  text <- sub("\"@X@\"", paste0("[", paste(c(rep(step_x, T - 1), last_x), collapse = ","), "]"), text, fixed = TRUE)
  text <- sub("\"@P@\"", paste0("[", paste(rep(step_p, T), collapse = ","), "]"), text, fixed = TRUE)
  path <- file.path(new_tempdir(), "big_50mb_ragged_x.json")
  writeLines(text, path)
  start <- Sys.time()
  cond <- refusal(path)
  message(sprintf("50 MB case: %.1f MB refused in %.1f s", file.size(path) / 1e6,
                  as.numeric(Sys.time() - start, units = "secs")))
  check_refusal(cond, list(file = basename(path), field = "(file size)",
                           expect = list("at most 32 MB", "LSTMPARITY_MAX_CASE_MB")))
  withr_env <- Sys.getenv("LSTMPARITY_MAX_CASE_MB", NA)
  Sys.setenv(LSTMPARITY_MAX_CASE_MB = "100")
  on.exit(if (is.na(withr_env)) Sys.unsetenv("LSTMPARITY_MAX_CASE_MB") else
    Sys.setenv(LSTMPARITY_MAX_CASE_MB = withr_env), add = TRUE)
  check_refusal(refusal(path), list(file = basename(path), field = "inputs.x", expect = list("ragged")))
})
