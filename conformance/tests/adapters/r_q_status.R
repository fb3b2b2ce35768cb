# q() with a status.
lstmparity_adapter <- function(case) q("no", status = 3)
