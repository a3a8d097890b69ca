"""careprint: one trauma-informed guide in Markdown, many audiences, every format."""

__version__ = "0.1.0"
