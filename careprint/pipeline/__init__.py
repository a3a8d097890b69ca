"""`careprint build` as its stages: plan (which outputs), decide (which are stale), workers
(render them), commit (put them in place, with the manifest and the library page).
"""
