"""Domain types, the clock and the error tree. Imports nothing else of ours."""
