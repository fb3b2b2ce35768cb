# Text where a tensor belongs.
lstmparity_adapter <- function(case) list(forward = list(i = "0.5"))
