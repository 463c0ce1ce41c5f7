/// The Annotator protocol and the detector conventions shared by every annotator.
