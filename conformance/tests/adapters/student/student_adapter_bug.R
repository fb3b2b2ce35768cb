# The same adapter, with the student's bug switched on.
source("student_adapter.R", local = TRUE)
BUG <- TRUE
