"""Pure types and logic, no I/O. Nothing here imports from the rest of the package."""
