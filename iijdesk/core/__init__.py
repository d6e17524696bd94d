"""The Qt-free core: reading documents, finding tables, the facts model, reconciliation,
timeline and export. Nothing below this package may import Qt."""
