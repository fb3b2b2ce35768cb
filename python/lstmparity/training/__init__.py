"""Training: data (``data``, checked by ``validate``), the loop (``train``), saved models and
checkpoints (``serialize``), scikit-learn-style estimators (``estimators``), the demos (``demos``,
``cell_demo``), plots (``plots``) and ``lstmparity train`` (``train_cli``). Needs the ``[train]``
extra (tqdm, matplotlib for plots); imports the core only.
"""
