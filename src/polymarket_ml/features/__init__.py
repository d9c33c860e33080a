"""Pure feature functions: plain values in, plain values out, ``now`` passed in."""
