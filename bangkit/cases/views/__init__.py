"""Case pages: `cases` for the case itself and its workflow, `care` for the work inside it."""
