"""``lstmparity bench``: the timing grid and its targets (``grid``), the implementations it times
(``peers``: NumPy, R through rpy2, torch; ``baseline``: a notebook-style loop; ``cells``: GRU and
RNN rows), the tables and targets (``report``), and the allocator setting of the CLI's process
(``allocator``).
"""
