"""OCR engines behind one interface, and the two-reading consensus that sets confidence."""
