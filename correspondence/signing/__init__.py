"""Turn issued documents into digitally signed ones (the agency's and the signer's certificates on the PDF):
the room for signing; nothing here yet."""
