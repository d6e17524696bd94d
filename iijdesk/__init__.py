"""iijdesk: earnings-release tables into a checked facts model."""

__version__ = "0.1.0"
