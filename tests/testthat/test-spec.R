# R/spec.R: shapes, trace order and parameter order come from spec/tensors.json (inst/spec/), as in Python.

test_that("the trace order is the documented one, for each cell", {
  blocks <- trace_blocks("lstm")
  expect_identical(vapply(blocks, function(b) b$phase, ""),
                   c("forward", "forward", "backward", "backward", "backward", "grads", "optimizer"))
  expect_identical(blocks[[1]]$names, c("x", "i", "f", "g", "o", "c", "h"))
  expect_identical(blocks[[4]]$names, c("dh", "do", "dc", "di", "df", "dg", "dx"))
  expect_identical(blocks[[5]]$names, c("dh0", "dc0"))
  expect_identical(blocks[[6]]$names, c("dWy", "dby", "dW", "dU", "db", "dE"))
  gru <- trace_blocks("gru")
  expect_identical(gru[[1]]$names, c("x", "r", "z", "n", "h"))
  expect_identical(gru[[4]]$names, c("dh", "dn", "dz", "dr", "dx"))
  expect_identical(gru[[6]]$names, c("dWy", "dby", "dW", "dU", "db", "db_hn", "dE"))
  expect_identical(gru[[7]]$names, c("loss", "E", "W", "U", "b", "b_hn", "Wy", "by"))
  rnn <- trace_blocks("rnn")
  expect_identical(rnn[[1]]$names, c("x", "g", "h"))
  expect_identical(rnn[[4]]$names, c("dh", "dg", "dx"))
  expect_identical(rnn[[5]]$names, "dh0")
  # every cell together: each cell's order is this one with the others' tensors left out
  all <- per_step_names("forward")
  for (cell in names(CELLS)) expect_identical(intersect(all, per_step_names("forward", cell)),
                                              per_step_names("forward", cell))
  expect_identical(param_order(), c("E", "W", "U", "b", "b_hn", "Wy", "by"))
})

test_that("shapes follow the config: embedding, head, cell gates", {
  s <- shapes(list(T = 2L, B = 3L, D = 4L, H = 5L, V = 7L, K = 6L, head = "many_to_many_softmax"))
  expect_identical(s$params.W, c(4L, 20L))
  expect_identical(s$params.E, c(7L, 4L))
  expect_null(s$inputs.x)
  expect_identical(s$inputs.targets, c(2L, 3L))
  expect_identical(s$expected.forward.logits, c(2L, 3L, 6L))
  expect_identical(s$layer_inputs.dh_head, c(2L, 3L, 5L))
  s1 <- shapes(list(T = 2L, B = 3L, D = 4L, H = 5L, V = NULL, K = 1L, head = "many_to_one_sigmoid"))
  expect_identical(s1$inputs.targets, 3L)
  expect_identical(s1$expected.forward.logits, c(3L, 1L))
  expect_null(s1$expected.grads.dE)
  gru <- shapes(list(T = 2L, B = 3L, D = 4L, H = 5L, V = NULL, K = NULL, head = "none", cell = "gru"))
  expect_identical(gru$params.W, c(4L, 15L))
  expect_identical(gru$params.b_hn, 5L)
  expect_identical(gru$expected.backward.dr, c(2L, 3L, 5L))
  expect_null(gru$inputs.c0)
  expect_null(gru$expected.forward.c)
  rnn <- shapes(list(T = 2L, B = 3L, D = 4L, H = 5L, V = NULL, K = NULL, head = "none", cell = "rnn"))
  expect_identical(rnn$params.U, c(5L, 5L))
  expect_identical(rnn$expected.forward.g, c(2L, 3L, 5L))
  expect_null(rnn$params.b_hn)
  expect_null(rnn$expected.backward.dc0)
})

test_that("the installed spec is the repository's spec/tensors.json", {
  root <- repo_root()
  skip_if(is.null(root), "not in a checkout")
  expect_identical(tensor_spec(), jsonlite::parse_json(paste(readLines(file.path(root, "spec", "tensors.json")),
                                                              collapse = "\n"), simplifyVector = FALSE))
})

test_that("every committed case carries layer_inputs of the spec's shapes", {
  skip_if_no_fixtures()
  for (path in case_paths(fixtures_dir())) {
    case <- read_case(path)
    s <- shapes(case$config)
    expect_identical(dim(case$layer_inputs$x), s$layer_inputs.x, label = basename(path))
    expect_identical(dim(case$layer_inputs$dh_head), s$layer_inputs.dh_head, label = basename(path))
  }
})
