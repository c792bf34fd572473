"""The command line: a thin layer; each command lives in a module of its own."""
