"""Each external program behind one module that turns its failures into our exceptions."""
