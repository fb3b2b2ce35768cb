"""Adapters written outside the project, for the runner's tests: misbehaving ones (corpus.py) and a student LSTM."""
