"""Reading the project: careprint.toml, content/, templates/ and imprints/ into the
immutable model (load.py), every problem found before anything is written.

Nothing here imports the renderer, the build or the check (docs/architecture.md,
"Layers"); the guards (careprint/guard/) check what it reads.
"""
