"""The guards: what a project may not do, checked as it is read (confine, CSS, SVG,
text, nesting, raw HTML, links, addresses) and, for what careprint writes, read back
before it is put in place (outguard). docs/security.md says what each guarantees.
"""
