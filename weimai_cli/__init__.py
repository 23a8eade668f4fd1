"""weimai: a command-line toolkit for social-commerce sellers and distributors."""

__version__ = "0.3.0"
