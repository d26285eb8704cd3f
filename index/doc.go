// Package index is Saperi's search index: a bleve index derived from the
// store, holding only what retrieval and the search box need.
//
// The store (bbolt) is the system of record. Every write there leaves an
// entry in its outbox; Sync drains the outbox by re-reading the postings
// named there and indexing (or deleting) them, and removes the entries only
// once bleve has persisted the batch. A crash therefore loses nothing: the
// index converges at the next start. The mapping carries a version
// (MappingVersion, kept in the index's internal storage); a missing,
// corrupt or differently versioned index is rebuilt from the store.
//
// Fields are indexed but never stored, there is no dynamic mapping and no
// _all field: search answers posting ids, and callers read the postings
// from the store. Documents are keyed by the posting id in decimal.
//
// Text is analysed for Italian (mapping.go, stem.go, compound.go) and
// queries are widened at query time with three thesaurus layers
// (thesaurus.go): the curated thesaurus.txt embedded here, the hub's
// synonym groups (SetSynonyms) and, when installed, Debian's mythes-it.
// Expanding queries rather than documents means a synonym change never
// needs re-indexing.
//
// This is the only package that imports bleve.
package index
