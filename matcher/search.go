package matcher

// SearchFilter narrows a full-text search of postings. Zero fields do not
// filter, except Status, which defaults to open. From and Size page the
// results.
type SearchFilter struct {
	Kind     Kind
	Status   Status
	Category string
	Area     string
	HubID    uint64
	From     int
	Size     int
}
