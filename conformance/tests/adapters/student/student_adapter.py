"""The student's LSTM (student_lstm.py): layer only, one weight matrix per gate on [x | h], post-activation di."""
from lstmparity.core.record import new_recording
from student_lstm import student_backward, student_forward


def adapter(case, bug=False):
    rec, inp = new_recording(), case["inputs"]
    steps = student_forward(inp["x"], inp.get("h0"), inp.get("c0"), case["params"], rec)
    student_backward(steps, inp["dh_head"], case["params"], rec, bug=bug)
    return rec


adapter.declares = {"layer_only": True, "layout": "per_gate_xh", "gate_grads": "post", "supports": ["initial_state"]}


def adapter_with_bug(case):
    return adapter(case, bug=True)


adapter_with_bug.declares = adapter.declares
