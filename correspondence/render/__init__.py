"""Turn the document model into files: ``docx`` and ``pdf`` are peers and never import each other."""
