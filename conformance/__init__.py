"""The conformance runner of lstmparity: `lstmparity conform` (see docs/conformance.md)."""
