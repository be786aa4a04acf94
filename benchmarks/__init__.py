"""Benchmarks: kivo side by side with raw SQL on the same machine, in the same run."""
