#' lstmparity: one LSTM in base R that computes the same numbers as the NumPy reference
#'
#' An LSTM layer (gates i, f, g, o, PyTorch's order), an optional token
#' embedding, four dense heads with their losses, gradient clipping and SGD /
#' Adam, forward and backward, in float64 with base R only. The Python/NumPy
#' reference in the same repository computes the same numbers; both are checked
#' against the shared JSON cases in `fixtures/` ([read_case()], [run_case()]).
#'
#' Files mirror the Python modules: `activations.R`, `cell.R`
#' ([lstm_step_forward()], [lstm_step_backward()]), `layer.R` ([lstm_forward()],
#' [lstm_backward()]), `embedding.R`, `heads.R`, `model.R`, `optim.R`,
#' `fixtures.R`, `run_case.R`. See [lstmparity_source()] for using the code
#' without installing it.
#'
#' @keywords internal
"_PACKAGE"
