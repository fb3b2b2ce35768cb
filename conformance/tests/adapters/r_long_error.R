# A 10 KB error message.
lstmparity_adapter <- function(case) stop(strrep("y", 10000))
