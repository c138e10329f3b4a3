#!/usr/bin/env python
"""Django's command-line utility for the registry (the same as ``python -m registry``)."""

from registry.__main__ import main

if __name__ == "__main__":
    main()
