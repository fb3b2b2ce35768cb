# The student's LSTM (student_lstm.R): layer only, one weight matrix per gate on cbind(x, h).
source("student_lstm.R")
lstmparity_declares <- list(layer_only = TRUE, layout = "per_gate_xh", supports = "initial_state")
BUG <- FALSE
lstmparity_adapter <- function(case) {
  rec <- new_recording()
  steps <- student_forward(case$inputs$x, case$inputs$h0, case$inputs$c0, case$params, rec)
  student_backward(steps, case$inputs$dh_head, case$params, rec, bug = BUG)
  rec
}
