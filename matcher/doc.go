// Package matcher is Saperi's domain: profiles, postings (offers and needs),
// matches and their lifecycle, hubs and audit events; their validation; the
// error type every layer speaks; and the scorer that turns retrieved
// candidates into ranked, explained proposals.
//
// It imports only the standard library and performs no I/O and no clock
// reads: the current time is always passed in. Storage (store), search
// (index) and the web layer (web) depend on it, never the other way round.
package matcher
