# R/schema.R: the case schema walked in base R, so that R refuses what Python's jsonschema refuses.
# The corpus in tests/broken/ (test-broken-inputs.R) has a file per keyword; these are the small cases.

test_that("each keyword refuses what it should and accepts the rest", {
  s <- list(type = "object", required = list("a"), additionalProperties = FALSE,
            properties = list(a = list(type = "number", minimum = 0, exclusiveMaximum = 1),
                              n = list(type = "string", pattern = "^[a-z]+$", minLength = 1),
                              k = list(enum = list("x", "y")), v = list(const = 1),
                              l = list(type = "array", items = list(type = "integer")),
                              o = list(type = "object", minProperties = 1, maxProperties = 1),
                              u = list(anyOf = list(list(type = "string"), list(`$ref` = "#/$defs/num")))),
            `$defs` = list(num = list(type = "number")))
  ok <- list(a = 0.5, n = "abc", k = "y", v = 1, l = list(1, 2), o = list(p = 1), u = 3)
  expect_null(schema_error(ok, s))
  bad <- function(edit) {
    v <- ok
    for (k in names(edit)) v[k] <- list(edit[[k]])
    e <- schema_error(v, s)
    if (is.null(e)) "accepted" else paste(paste(e$where, collapse = "."), e$message, sep = ": ")
  }
  expect_identical(bad(list(a = 1)), "a: 1 is greater than or equal to the maximum of 1")
  expect_identical(bad(list(a = -1)), "a: -1 is less than the minimum of 0")
  expect_identical(bad(list(n = "Adam Trajectory")), "n: 'Adam Trajectory' does not match '^[a-z]+$'")
  expect_identical(bad(list(n = "")), "n: '' is too short (minLength 1)")
  expect_identical(bad(list(k = "z")), "k: 'z' is not one of ['x', 'y']")
  expect_identical(bad(list(v = 2)), "v: 1 was expected")
  expect_identical(bad(list(l = list(1, 2.5))), "l.1: 2.5 is not of type 'integer'")
  expect_identical(bad(list(o = structure(list(), names = character(0)))), "o: {} should be non-empty")
  expect_match(bad(list(o = list(p = 1, q = 2))), "^o: .* has too many properties")
  expect_identical(bad(list(u = TRUE)), "u: True is not valid under any of the given schemas")
  expect_identical(bad(list(zz = 1)), "zz: Additional properties are not allowed ('zz' was unexpected)")
  expect_identical(schema_error(list(n = "a"), s)$message, "'a' is a required property")
  expect_identical(schema_error(list(1), s)$message, "[1] is not of type 'object'")
})

test_that("a keyword the walker does not know is an error, never skipped", {
  expect_error(schema_error(1, list(multipleOf = 2)), "keyword 'multipleOf' is not supported")
})

test_that("the case schema is the one Python validates with (package copy of the generated schema)", {
  s <- case_schema()
  expect_identical(s$properties$tolerance$properties$rtol$maximum, 1e-6)
  expect_false(s$properties$expected$properties$forward$additionalProperties)
  expect_setequal(names(s$properties$layer_inputs$properties), c("x", "dh_head"))
})

test_that("duplicate keys and a byte-order mark are treated as in Python", {
  skip_if_no_fixtures()
  src <- file.path(fixtures_dir(), "tiny_random.json")
  text <- readChar(src, file.info(src)$size, useBytes = TRUE)
  bom <- tempfile(fileext = ".json")
  writeBin(c(as.raw(c(0xef, 0xbb, 0xbf)), charToRaw(text)), bom)
  expect_identical(read_case(bom)$expected, read_case(src)$expected)
  dup <- tempfile(fileext = ".json")
  writeLines(sub("\"tolerance\": {", "\"tolerance\": {\"rtol\": 1e6, \"atol\": 0},\n \"tolerance\": {", text,
                 fixed = TRUE), dup)
  err <- expect_error(read_case(dup), class = "lstmparity_input_error")
  expect_identical(err$field, "tolerance")
  expect_match(conditionMessage(err), "duplicate key", fixed = TRUE)
})

test_that("numeric arrays are collapsed level by level exactly where the element-by-element walk would", {
  j <- function(text) jsonlite::parse_json(text, simplifyVector = FALSE)
  # collapsed: rows of numbers, arrays of them, empty arrays
  for (text in c("[1, 2.5]", "[[1, 2], [3, 4]]", "[[[1]], [[2]]]", "[]", "[[], []]", "[[], [1]]")) {
    expect_identical(case_skeleton(j(text), "x.json"), list(), info = text)
  }
  # kept for the schema: a number next to an array, null, a string, true, an object ({} included)
  expect_identical(case_skeleton(j("[1, [2]]"), "x.json"), list(1L, list()))
  for (text in c("[1, null]", "[1, \"a\"]", "[1, true]", "[[1], [{}]]", "[{\"a\": 1}]")) {
    expect_false(identical(case_skeleton(j(text), "x.json"), list()), info = text)
  }
})

test_that("json_shape() and flatten_json() agree with the element-by-element definition", {
  j <- function(text) jsonlite::parse_json(text, simplifyVector = FALSE)
  expect_identical(json_shape(j("[[1, 2, 3], [4, 5, 6]]"), 1L), c(2L, 3L))
  expect_identical(json_shape(j("[[], []]"), 1L), c(2L, 0L))
  expect_identical(json_shape(j("[1, null]"), 0L), 2L) # null: a number place (refused later as NA)
  for (text in c("[[1, 2], [3]]", "[[1], [[2]]]", "[[1], 2]", "[[\"a\"], [1]]", "[[true], [1]]", "[{}, {}]",
                 "[[{\"a\": 1}]]")) {
    expect_null(json_shape(j(text), 3L), info = text)
  }
  expect_null(json_shape(j("[[[1]]]"), 1L)) # nested deeper than asked
  expect_identical(flatten_json(j("[[1, 2], [3, 4]]"), 2L), c(1, 2, 3, 4))
  expect_identical(flatten_json(j("[[1, null], [3, 4]]"), 2L), c(1, NA, 3, 4))
})
