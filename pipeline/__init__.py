"""pipeline: officers' Word and Excel policy forms in; accessible PDFs and a register out."""

__version__ = "0.1.0"
