"""The one mapper: a document's labels and values -> the template's cell keys.

Every reader's output goes through here. The document is flattened into tokens (`tokens`);
each time values follow labels, the template rows those labels may name are proposed with
the values fitted to their columns (`proposals`, `fit`). The proposals that agree with the
template's row order and score best are kept (`chain`: a chain increasing both in document
position and in template order); rows printed as runs of digits are cut over the whole table
at once (`cuts`); the readings become cells of the template the document follows (`mapping`).
"""

from ingest.mapper.mapping import Mapping, map_document, tables_left_out

__all__ = ["Mapping", "map_document", "tables_left_out"]
