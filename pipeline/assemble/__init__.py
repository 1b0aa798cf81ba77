"""Rendering records into Word documents in the house style (docxtpl).

``render`` fills the templates (``patched``: docxtpl cleaning each template once), ``blocks``
writes section bodies, ``values`` the values a template sees, ``build_templates`` and
``house_style`` make the templates themselves.
May import: framework, records, labels, atomic, errors.
"""
