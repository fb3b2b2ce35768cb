"""The numeric core: NumPy only, nothing else (tests/python/test_imports.py checks it).

The cells (``cell`` + ``layer`` for the LSTM, ``gru``, ``rnn``, reached by name through
``cells``), the model around them (``embedding``, ``heads``, ``optim``, ``model`` with
``run_case``), the contract they follow (``spec`` reads ``tensors.json``, ``trace`` the trace
order), and what adapters and peers use (``record``, ``layouts``, ``convert``, ``jsonio``).
"""
