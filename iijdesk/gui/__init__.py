"""The PySide6 window. It presents and edits the core's Workspace; it never parses releases."""
