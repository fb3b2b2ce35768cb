# The cell registry (R/cells.R). The three-cell demo: test-cell-demo.R.

for (name in names(CELLS)) {
  test_that(sprintf("registry: the %s layer has the shapes of its gate count", name), {
    set.seed(1)
    cell <- get_cell(name)
    p <- init_cell_params(name, D = 3, H = 2)
    expect_identical(names(p), cell$params)
    expect_identical(dim(p$W), c(3L, 2L * length(cell$gates)))
    x <- array(rnorm(4 * 5 * 3), c(4, 5, 3))
    run <- layer_forward(name, x, p)
    expect_true(all(cell$gates %in% names(run$out)))
    back <- layer_backward(name, array(1, c(4, 5, 2)), run$cache)
    expect_setequal(names(back$grads), paste0("d", cell$params))
    expect_identical(dim(stack_steps(back$trace$dx)), dim(x))
  })
}

test_that("registry refuses unknown cells and parameters", {
  expect_error(get_cell("elman"), "^cell: expected one of")
  p <- init_cell_params("rnn", 3, 2)
  expect_error(layer_forward("rnn", array(0, c(2, 1, 3)), c(p, list(b_hn = c(0, 0)))),
               "b_hn are not parameters of the rnn cell")
})

test_that("gate names come from the spec", {
  expect_identical(get_cell("gru")$gates, c("r", "z", "n"))
  expect_identical(get_cell("lstm")$gates, c("i", "f", "g", "o"))
  expect_identical(get_cell("rnn")$gates, "g")
})
