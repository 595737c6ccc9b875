"""Turn a folder into an agency's office: its profile ``registers/<id>.yaml`` (from a sample or the clerk's answers),
``templates/``, ``output/`` and its register (``setup``)."""
