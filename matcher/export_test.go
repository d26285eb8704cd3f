package matcher

// SharedConceptsOf exposes sharedConcepts to the external tests.
var SharedConceptsOf = sharedConcepts
