"""Table-grid recovery for PDFs and scans, as pure named transforms.

model: the shared types (Box, GridCell with its spans, GridSettings derived from the page,
Slot -> SourceCell). vector: a text PDF's rules -> ruled cells (pdfplumber's lattice);
glyphs: its characters -> lines, cell text and rule-less rows. raster: a page image's
rulings -> tables -> cells. stitch: a table's pieces on consecutive pages -> one table.
"""
