"""Runs one experiment in the current (child) process: a spec in, a `Result` out."""
