/// Scribble annotator for user drawings.
