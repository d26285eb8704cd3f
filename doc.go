// Package saperi is Saperi's domain: profiles, postings (offers and needs),
// matches and their lifecycle, hubs, users and their permissions, audit
// events and mail sends; their validation; and the error type every layer
// speaks (Error, with a stable code and a human message).
//
// It imports only the standard library and performs no I/O and no clock
// reads: the current time is always passed in. Matching (matcher), storage
// (store), search (index), the use cases (service), the digests (digest)
// and the web layer (web) depend on it, never the other way round.
package saperi
