"""What the commands other than build and check do: serve, doctor, init, list, docs, the
progress a build shows, and docs/config.md written from the schema.
"""
