"""Rendering records into Word documents in the house style (docxtpl).

``render`` fills the templates (``patched``: docxtpl cleaning and compiling each template
once), ``blocks`` writes section bodies (as WordprocessingML text), ``package`` writes only
the parts rendering changed beside the template's own, ``values`` the values a template
sees, ``build_templates`` and ``house_style`` make the templates themselves.
May import: framework, framework_load, records, labels, links, wordml, safety (its one
parser factory), atomic, errors, zip_parts.
"""
