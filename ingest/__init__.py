"""Turn Chinese government information-disclosure annual reports into data."""

__version__ = "0.1.0"
