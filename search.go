package saperi

// SearchFilter narrows a full-text search of postings. Zero fields do not
// filter, except Status, which defaults to open. From and Size page the
// results.
type SearchFilter struct {
	Kind     Kind
	Status   Status
	Category string
	Area     string
	HubID    uint64
	// HubIDs, when not nil, keeps only the postings of these hubs (an
	// empty list keeps none): the hubs whose postings the caller may see
	// (VisibleHubs), so that a total counts nothing hidden from them.
	HubIDs []uint64
	From   int
	Size   int
}

// Change is an entry of the store's outbox: posting PostingID was written
// (created, updated or erased) and the index must catch up. Seq orders the
// entries; an entry is removed only after the index has applied it.
type Change struct {
	Seq       uint64
	PostingID uint64
}
