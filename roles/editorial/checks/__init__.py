"""Translation checks and the termbase: what a translator's QA tool would flag in a text (wrong
quotation marks, a missing placeholder, a forbidden term...), for seed files, the interface's PO
catalogues and the texts in the database alike (docs/translation-style.md)."""
