// Package matcher turns a posting into ranked, explained candidates: the
// engine that asks a retriever for candidates, the scorer that gives each
// a score in [0,1] with its breakdown and reasons, and the weekly
// assignment that spreads proposals fairly within each offer's capacity.
//
// It imports only the domain (package saperi) and the standard library,
// and performs no I/O: retrieval and analysis come in through the
// Retriever, Analyzer and Source interfaces, and the time is passed in.
package matcher
