"""Helpers for the scripts under bench/ (a package, so the Makefile's bench/*.py loop skips it)."""
