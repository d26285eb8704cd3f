// Package store keeps Saperi's system of record in a single bbolt file:
// hubs, categories, profiles, postings, matches, the audit trail and the
// outbox the search index drains.
//
// It is the only package that imports bbolt. Records are the matcher types,
// JSON-encoded, under fixed-width big-endian keys; the buckets and their
// layouts are declared once, in db.go, and that declaration is the on-disk
// format. Every method opens one transaction; a write to a posting (or to a
// profile whose postings the index must re-read) adds an outbox entry in the
// same transaction, so the index can always catch up after a crash.
//
// The store reads no clock: callers set every timestamp on the records and
// events they pass in.
package store
