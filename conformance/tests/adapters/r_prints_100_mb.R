# Prints 100 MB, then returns the right answer.
lstmparity_adapter <- function(case) {
  chunk <- strrep("x", 2^20)
  for (k in 1:100) cat(chunk)
  run_case(case)
}
