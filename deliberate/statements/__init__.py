"""Pol.is-style statements: short sentences people agree or disagree with, and the opinion map they feed."""
