"""Greek dates in running text with the month's name (6 Δεκεμβρίου 2026)."""

# Dates in sentences ("Version 2, published …") as Greek writes them in running text:
# "6 Δεκεμβρίου 2026" (E: the month's name in the genitive). Django's own Greek format is d/m/Y.
DATE_FORMAT = "j E Y"
