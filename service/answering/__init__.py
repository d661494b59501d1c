"""Answering: Question → candidates (sentences, table cells, records) → fitted score → accept or
refuse → state → verify → cite. `pipeline` wires the steps; each module holds one of them."""
