"""deliberate: live participatory deliberation for Thai social-development networks."""

__version__ = "0.1.0"
