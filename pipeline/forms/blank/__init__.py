"""The blank Word and Excel forms officers fill, written from the framework file.

May import: framework, forms.markers, atomic, labels, records.
"""
