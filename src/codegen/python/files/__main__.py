"""`python -m` entry point."""

from .server import main

main()
