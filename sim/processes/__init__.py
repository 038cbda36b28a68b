"""Vectorised mechanisms over state arrays, one module per mechanism (DESIGN.md)."""
