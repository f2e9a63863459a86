"""The service's code.

The version lives here, in the code that ships, rather than only in pyproject.toml, which an
image may not carry; a test keeps the two equal.
"""

__version__ = "0.1.0"
