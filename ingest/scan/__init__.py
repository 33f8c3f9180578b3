"""Scanned pages and images: page images -> preprocessing -> table grid -> cell-wise OCR."""
