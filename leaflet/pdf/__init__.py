"""PDF specifics: the canvas, tagging, metadata and writing files safely."""
