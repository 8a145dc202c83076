"""fogwatch: a sourced record of armed-conflict news — what happened, where, when, to whom,
how many, and who says so."""

__version__ = "0.1.0"
