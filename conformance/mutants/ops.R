# The R side of the mutation catalogue: mutant_ops(name, case) is reference_ops()
# with the named mutant's blocks swapped in. Mirrors PYTHON in
# conformance/mutants/__init__.py; names and data are in catalogue.json.

mutant_ops <- function(name, case) {
  rec <- new.env() # what a recording block saw during this run
  switch(name,
    tanh_on_cell_grad = reference_ops(step_backward = tanh_on_cell_grad),
    matmul_for_elementwise = reference_ops(step_backward = matmul_for_elementwise),
    carry_without_forget_gate = reference_ops(step_backward = carry_without_forget_gate),
    next_cell_grad_dropped = reference_ops(step_backward = next_cell_grad_dropped),
    sigmoid_grad_on_preactivation = reference_ops(step_forward = recording_z(case$config$T, rec),
                                                  local_grads = sigmoid_grad_on_preactivation(rec)),
    cell_state_for_previous = reference_ops(local_grads = cell_state_for_previous),
    weight_grads_from_h_t = do.call(reference_ops, weight_grads_from_h_t(case$config$T)),
    tanh_prime_dropped = reference_ops(local_grads = tanh_prime_dropped),
    gates_swapped = reference_ops(step_forward = gates_swapped),
    clip_per_step = do.call(reference_ops, clip_per_step(case$clip, case$config$T, case$config$B)),
    adam_no_bias_correction = reference_ops(optimizer_step = optimizer_step_no_bias_correction),
    label_at_every_step = reference_ops(head_forward = head_forward_every_step,
                                        head_backward = label_at_every_step),
    mask_ignored = reference_ops(local_grads = mask_ignored),
    input_gate_added = reference_ops(step_forward = input_gate_added),
    stop(sprintf("no R mutant '%s'", name))
  )
}
