# R/data.R: the seeded generator, shuffles, batches, vocabularies and encodings.

test_that("the generator is Park and Miller's minimal standard (their check value)", {
  # Park & Miller (1988): from seed 1, the 10,000th number is 1043618065.
  s <- 1
  for (k in 1:10000) s <- rng_next(s)
  expect_identical(s, 1043618065)
  expect_identical(rng_seed(0), 1)
  expect_true(rng_seed(2147483646) >= 1 && rng_seed(2147483646) <= 2147483646)
})

test_that("shuffle_order() is a permutation, the same for the same state, and returns the next state", {
  a <- shuffle_order(20, rng_seed(7))
  b <- shuffle_order(20, rng_seed(7))
  expect_identical(sort(a$order), 1:20)
  expect_identical(a, b)
  expect_false(identical(a$order, shuffle_order(20, rng_seed(8))$order))
  expect_false(identical(a$order, shuffle_order(20, a$state)$order))
  expect_identical(shuffle_order(1, rng_seed(7))$order, 1L)
})

test_that("batch_indices() cuts the order into batches, the last one short", {
  expect_identical(batch_indices(c(5L, 2L, 4L, 1L, 3L), 2), list(c(5L, 2L), c(4L, 1L), 3L))
})

test_that("tokenize(), build_vocab() and encode_words(): lower case, counts, unknown words, truncation", {
  expect_identical(tokenize("Oil, OIL and gas-prices 2024"), c("oil", "oil", "and", "gas", "prices"))
  docs <- list(c("b", "a", "b", "c"), c("a", "b", "d"))
  vocab <- build_vocab(docs, min_count = 2)
  expect_identical(vocab, c("<pad>", "<unk>", "b", "a")) # b (3) before a (2); c, d dropped
  expect_identical(encode_words(c("a", "zzz", "b", "a"), vocab, max_len = 3), c(4L, 2L, 3L))
})

test_that("char_dataset(): targets are the inputs shifted by one character", {
  text <- "abca"
  vocab <- char_vocab(text)
  expect_identical(vocab, c("a", "b", "c"))
  d <- char_dataset(text, vocab)
  expect_identical(d$tokens[[1]], c(1L, 2L, 3L))
  expect_identical(d$targets[[1]], c(2L, 3L, 1L))
})
