"""CrewUp: a self-hostable community platform."""

__version__ = "0.5.0"
