# A declaration with a misspelled feature.
lstmparity_declares <- list(supports = c("masks"))
lstmparity_adapter <- function(case) list()
