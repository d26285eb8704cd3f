package saperi

import "strings"

// ImportPerson is one person of a hub's register (a spreadsheet) with the
// postings to import for them. Key identifies the person within the hub
// across imports: the register's own id, or a stable key of name and
// phone or email (see ImportKey), so that importing the same file twice
// creates nothing twice.
type ImportPerson struct {
	Key string
	// Profile is the person to create when Key is new; nil when the row
	// only refers to a person imported before (a file of postings).
	Profile  *Profile
	Postings []ImportPosting
}

// ImportPosting is one posting of an imported person, with its own key.
type ImportPosting struct {
	Key     string
	Posting *Posting
}

// ImportCounts says what an import created and what it found already
// there.
type ImportCounts struct {
	People           int `json:"people"`
	PeopleExisting   int `json:"people_existing"`
	Postings         int `json:"postings"`
	PostingsExisting int `json:"postings_existing"`
}

// Add sums two counts.
func (c *ImportCounts) Add(o ImportCounts) {
	c.People += o.People
	c.PeopleExisting += o.PeopleExisting
	c.Postings += o.Postings
	c.PostingsExisting += o.PostingsExisting
}

// ConsentImported is the consent text of a person imported from a
// register: the hub vouches that the person agreed when they were written
// in it. Consent.By is ConsentOperator, RecordedBy who imported, At when.
const ConsentImported = "Importato dal registro della portineria (imported from the hub's register)"

// ImportKey builds the stable key of a person without a register id: the
// name folded to lower case and single spaces, and the phone's digits or
// else the email in lower case.
func ImportKey(name, phone, email string) string {
	var digits strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	contact := digits.String()
	if contact == "" {
		contact = NormalizeEmail(email)
	}
	return "n:" + strings.Join(strings.Fields(strings.ToLower(name)), " ") + "|" + contact
}
