package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/sheet"
)

// ImportStore is what an import reads and writes (store.DB implements it).
type ImportStore interface {
	Hub(ctx context.Context, id uint64) (*saperi.Hub, error)
	Categories(ctx context.Context) ([]saperi.Category, error)
	ImportedPeople(ctx context.Context, hubID uint64, keys []string) (map[string]uint64, error)
	ImportedPostings(ctx context.Context, hubID uint64, keys []string) (map[string]uint64, error)
	Import(ctx context.Context, hubID uint64, people []saperi.ImportPerson, ev saperi.Event) (saperi.ImportCounts, error)
}

// ImportFile is one spreadsheet of an import.
type ImportFile struct {
	Name  string
	Table *sheet.Table
}

// ImportOptions say where and how to import.
type ImportOptions struct {
	HubID uint64
	// DryRun checks and counts without writing.
	DryRun bool
	// SkipInvalid writes the valid rows even when some are invalid
	// (reported all the same); without it nothing is written while any
	// row is invalid.
	SkipInvalid bool
	// Map maps more column names to fields (ImportFields), over the
	// built-in Italian and English names: "Cell. mamma" → "phone".
	Map map[string]string
	// Actor names who imports in the audit trail and in the consent
	// record; the principal's Actor when empty (the CLI names itself).
	Actor string
	// Progress, when set, is told how many people of total are written,
	// after each batch.
	Progress func(done, total int)
	// Location is the hub's time zone for dates (Europe/Rome when nil).
	Location *time.Location
}

// ImportReport is the answer of an import or a dry run.
type ImportReport struct {
	Files []ImportFileReport `json:"files"`
	// Rows counts the data rows read; Invalid those with a problem.
	Rows    int `json:"rows"`
	Invalid int `json:"invalid"`
	// People and Postings count the distinct ones the valid rows hold.
	People   int             `json:"people"`
	Postings int             `json:"postings"`
	Problems []ImportProblem `json:"problems"`
	DryRun   bool            `json:"dry_run"`
	Written  bool            `json:"written"`
	// Counts is what was (or, in a dry run, would be) created, and what
	// was already there from an earlier import.
	Counts saperi.ImportCounts `json:"counts"`
}

// ImportFileReport says how a file was read.
type ImportFileReport struct {
	Name      string         `json:"name"`
	Format    string         `json:"format"`
	Encoding  string         `json:"encoding,omitempty"`
	Delimiter string         `json:"delimiter,omitempty"`
	Rows      int            `json:"rows"`
	Columns   []ImportColumn `json:"columns"`
	Ignored   []string       `json:"ignored"`
}

// ImportColumn is a column and the field it was read as.
type ImportColumn struct {
	Column string `json:"column"`
	Field  string `json:"field"`
}

// ImportProblem is what is wrong with one cell (or row) of a file. Key and
// Args name the message in the catalogs; Message is filled in the
// reader's language by the caller (ProblemText).
type ImportProblem struct {
	File    string         `json:"file,omitempty"`
	Row     int            `json:"row"`
	Column  string         `json:"column,omitempty"`
	Value   string         `json:"value,omitempty"`
	Key     string         `json:"key"`
	Args    map[string]any `json:"args,omitempty"`
	Message string         `json:"message"`
	// fallback is the English text when the catalogs lack Key.
	fallback string
}

// importBatch is how many people are written per transaction: each is
// durable once written, and an interrupted import resumes by importing
// the same file again (the keys skip what is there).
const importBatch = 2000

// maxProblems caps the report; the count of invalid rows stays exact.
const maxProblems = 1000

// Import reads the files as the register of hub opt.HubID and, unless
// opt.DryRun or a row is invalid (see SkipInvalid), writes its people and
// postings. Only the hub's operators and admins may import. A person is
// known by the register's id column or else by name and phone or email
// (saperi.ImportKey); a posting by its own id column or else its owner,
// kind and title; what an earlier import wrote is not written again.
// Consent is recorded as imported from the hub's register, by Actor, now.
func Import(ctx context.Context, st ImportStore, p saperi.Principal, files []ImportFile, opt ImportOptions, now time.Time) (*ImportReport, error) {
	if !saperi.Can(p, saperi.Create, saperi.Resource{Kind: saperi.ResProfile, HubID: opt.HubID}) {
		return nil, forbidden(p)
	}
	if _, err := st.Hub(ctx, opt.HubID); err != nil {
		return nil, err
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	if opt.Location == nil {
		opt.Location = rome()
	}
	actor := opt.Actor
	if actor == "" {
		actor = p.Actor()
	}
	extra := map[string]string{}
	for col, field := range opt.Map {
		if !contains(ImportFields, field) {
			return nil, &saperi.Error{Code: saperi.EINVALID, Key: "error.import.map_field", Field: "map",
				Args:    map[string]any{"Name": field, "Fields": strings.Join(ImportFields, ", ")},
				Message: fmt.Sprintf("unknown field %q: use one of %s", field, strings.Join(ImportFields, ", "))}
		}
		extra[fold(col)] = field
	}
	r := &ImportReport{DryRun: opt.DryRun, Problems: []ImportProblem{}}
	b := &builder{cats: cats, loc: opt.Location, now: now, actor: actor, rep: r, byKey: map[string]int{}}
	for _, f := range files {
		b.file(f, extra)
	}
	// People referred to but not defined here must have been imported
	// before.
	var refs []string
	for _, ip := range b.people {
		if ip.Profile == nil {
			refs = append(refs, ip.Key)
		}
	}
	known, err := st.ImportedPeople(ctx, opt.HubID, refs)
	if err != nil {
		return nil, err
	}
	people := b.people[:0:0]
	for i, ip := range b.people {
		if ip.Profile == nil && known[ip.Key] == 0 {
			src := b.source[i]
			b.problem(src.file, src.line, src.column, src.value, "import.bad.ref", "no person with this reference: import the people first", nil)
			b.invalid[src.file+"\x00"+fmt.Sprint(src.line)] = true
			continue
		}
		people = append(people, ip)
	}
	r.Invalid = len(b.invalid)
	for _, ip := range people {
		r.People++
		r.Postings += len(ip.Postings)
	}
	sort.SliceStable(r.Problems, func(i, j int) bool {
		if r.Problems[i].File != r.Problems[j].File {
			return false
		}
		return r.Problems[i].Row < r.Problems[j].Row
	})
	if opt.DryRun || (r.Invalid > 0 && !opt.SkipInvalid) {
		r.Counts, err = preview(ctx, st, opt.HubID, people)
		return r, err
	}
	ev := saperi.Event{At: now.UTC(), Actor: actor, Detail: ""}
	for start := 0; start < len(people); start += importBatch {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		end := min(start+importBatch, len(people))
		n, err := st.Import(ctx, opt.HubID, people[start:end], ev)
		if err != nil {
			return r, fmt.Errorf("import rows of people %d to %d: %w", start+1, end, err)
		}
		r.Counts.Add(n)
		r.Written = true
		if opt.Progress != nil {
			opt.Progress(end, len(people))
		}
	}
	if opt.Progress != nil && len(people) == 0 {
		opt.Progress(0, 0)
	}
	return r, nil
}

// preview counts what an import would create and find.
func preview(ctx context.Context, st ImportStore, hubID uint64, people []saperi.ImportPerson) (saperi.ImportCounts, error) {
	var n saperi.ImportCounts
	pk := make([]string, 0, len(people))
	var ok []string
	for _, ip := range people {
		pk = append(pk, ip.Key)
		for _, p := range ip.Postings {
			ok = append(ok, p.Key)
		}
	}
	havePeople, err := st.ImportedPeople(ctx, hubID, pk)
	if err != nil {
		return n, err
	}
	havePostings, err := st.ImportedPostings(ctx, hubID, ok)
	if err != nil {
		return n, err
	}
	for _, ip := range people {
		if havePeople[ip.Key] != 0 {
			n.PeopleExisting++
		} else {
			n.People++
		}
		for _, p := range ip.Postings {
			if havePostings[p.Key] != 0 {
				n.PostingsExisting++
			} else {
				n.Postings++
			}
		}
	}
	return n, nil
}

// builder turns rows into people and postings, collecting problems.
type builder struct {
	cats    []saperi.Category
	loc     *time.Location
	now     time.Time
	actor   string
	rep     *ImportReport
	people  []saperi.ImportPerson
	source  []cellRef // where each person was first seen
	byKey   map[string]int
	invalid map[string]bool
	postKey map[string]bool
}

type cellRef struct {
	file, column, value string
	line                int
}

func (b *builder) problem(file string, line int, column, value, key, fallback string, args map[string]any) {
	if len(b.rep.Problems) >= maxProblems {
		return
	}
	b.rep.Problems = append(b.rep.Problems, ImportProblem{File: file, Row: line, Column: column, Value: value,
		Key: key, Args: args, fallback: fallback})
}

// file maps the columns of f and reads its rows.
func (b *builder) file(f ImportFile, extra map[string]string) {
	if b.invalid == nil {
		b.invalid, b.postKey = map[string]bool{}, map[string]bool{}
	}
	t := f.Table
	fr := ImportFileReport{Name: f.Name, Format: t.Format, Encoding: t.Encoding, Rows: len(t.Rows), Columns: []ImportColumn{}, Ignored: []string{}}
	if t.Format == sheet.CSV {
		fr.Delimiter = string(t.Delimiter)
	}
	cols := map[string]int{} // field → column index
	for i, h := range t.Header {
		field, ok := extra[fold(h)]
		if !ok {
			field, ok = headerNames[fold(h)]
		}
		if _, dup := cols[field]; !ok || dup {
			if h != "" {
				fr.Ignored = append(fr.Ignored, h)
			}
			continue
		}
		cols[field] = i
		fr.Columns = append(fr.Columns, ImportColumn{Column: h, Field: field})
	}
	// "nome" alone is the whole name.
	if _, first := cols[fFirstName]; first {
		if _, last := cols[fLastName]; !last {
			if _, whole := cols[fName]; !whole {
				cols[fName] = cols[fFirstName]
				delete(cols, fFirstName)
				for i := range fr.Columns {
					if fr.Columns[i].Field == fFirstName {
						fr.Columns[i].Field = fName
					}
				}
			}
		}
	}
	b.rep.Files = append(b.rep.Files, fr)
	b.rep.Rows += len(t.Rows)
	_, hasName := cols[fName]
	_, hasFirst := cols[fFirstName]
	_, hasRef := cols[fRef]
	if !hasName && !hasFirst && !hasRef {
		b.problem(f.Name, 1, "", "", "import.bad.no_person_column",
			"no column names the person: add nome and cognome (or id_persona for postings of people imported before)", nil)
		for _, row := range t.Rows {
			b.invalid[f.Name+"\x00"+fmt.Sprint(row.Line)] = true
		}
		return
	}
	for _, row := range t.Rows {
		b.row(f.Name, t.Header, cols, row)
	}
}

// row reads one data row.
func (b *builder) row(file string, header []string, cols map[string]int, row sheet.Row) {
	bad := false
	get := func(field string) (string, string) {
		i, ok := cols[field]
		if !ok || i >= len(row.Fields) {
			return "", ""
		}
		return row.Fields[i], header[i]
	}
	fail := func(field, key, fallback string, args map[string]any) {
		v, col := get(field)
		b.problem(file, row.Line, col, v, key, fallback, args)
		bad = true
	}
	// The person.
	ref, refCol := get(fRef)
	name, _ := get(fName)
	if first, _ := get(fFirstName); first != "" {
		last, _ := get(fLastName)
		name = strings.TrimSpace(first + " " + last)
	} else if last, _ := get(fLastName); name == "" && last != "" {
		name = last
	}
	phone, _ := get(fPhone)
	email, _ := get(fEmail)
	key := ""
	switch {
	case ref != "":
		key = "x:" + plain(ref)
	case name != "":
		key = saperi.ImportKey(name, phone, email)
	default:
		b.problem(file, row.Line, "", "", "import.bad.no_person", "the row names no person", nil)
		b.invalid[file+"\x00"+fmt.Sprint(row.Line)] = true
		return
	}
	created := b.now
	if v, _ := get(fCreated); v != "" {
		if t, ok := parseDate(v, b.loc); ok {
			created = t
		} else {
			fail(fCreated, "import.bad.date", "not a date (write it as 31/12/2026)", nil)
		}
	}
	var prof *saperi.Profile
	if name != "" {
		prof = &saperi.Profile{Kind: saperi.Resident, Name: name, Contacts: saperi.Contacts{Phone: phone, Email: email},
			Consent: saperi.Consent{Text: saperi.ConsentImported, Version: "register", At: b.now.UTC(),
				By: saperi.ConsentOperator, RecordedBy: b.actor},
			Created: created, Updated: created, HubID: 1}
		prof.Area, _ = get(fArea)
		prof.Story, _ = get(fStory)
		if v, _ := get(fProfileKind); v != "" {
			if k, ok := parseProfileKind(v); ok {
				prof.Kind = k
			} else {
				fail(fProfileKind, "import.bad.profile_kind", "write persona or organizzazione", nil)
			}
		}
		if v, _ := get(fLanguages); v != "" {
			if l, ok := parseLanguages(v); ok {
				prof.Languages = l
			} else {
				fail(fLanguages, "import.bad.languages", "unknown language: write names (italiano, arabo) or codes (it, ar)", nil)
			}
		}
		if prof.Area != "" {
			prof.Point = AreaPoint(prof.Area)
		}
		prof.Normalize()
		if err := prof.Validate(); err != nil {
			b.domain(file, row.Line, header, cols, row, err, map[string]string{"contacts.phone": fPhone,
				"contacts.email": fEmail, "name": fName, "area": fArea, "story": fStory, "languages": fLanguages})
			bad = true
		}
		prof.HubID = 0 // the store sets the hub
	}
	// The postings.
	type want struct {
		kind  saperi.Kind
		title string
		field string
	}
	var wants []want
	if v, _ := get(fOffer); v != "" {
		wants = append(wants, want{saperi.Offer, v, fOffer})
	}
	if v, _ := get(fNeed); v != "" {
		wants = append(wants, want{saperi.Need, v, fNeed})
	}
	if v, _ := get(fKind); v != "" {
		if k, ok := parseKind(v); ok {
			title, _ := get(fTitle)
			wants = append(wants, want{k, title, fTitle})
		} else {
			fail(fKind, "import.bad.kind", "write offre or cerca", nil)
		}
	} else if title, _ := get(fTitle); title != "" {
		fail(fKind, "import.bad.no_kind", "a title needs offre or cerca in a tipo column", nil)
	}
	var postings []saperi.ImportPosting
	for _, w := range wants {
		p := &saperi.Posting{Kind: w.kind, Title: w.title, Created: created, Updated: created}
		p.Description, _ = get(fDescription)
		if v, _ := get(fCategory); v != "" {
			if c, ok := categoryOf(b.cats, v); ok {
				p.Category = c
			} else {
				fail(fCategory, "import.bad.category", "unknown category", map[string]any{"Categories": categoryList(b.cats)})
			}
		}
		if v, _ := get(fTags); v != "" {
			p.Tags = splitList(v)
		}
		if v, _ := get(fArea); v != "" && prof == nil {
			p.Area = v
			p.Point = AreaPoint(v)
		}
		if v, _ := get(fSlots); v != "" {
			if s, ok := parseAvailability(v); ok {
				p.Slots = s
			} else {
				fail(fSlots, "import.bad.availability", "write days and hours, e.g. lun 09:00-12:00; mer 14:00-16:00", nil)
			}
		}
		var days []int
		if v, _ := get(fDays); v != "" {
			var ok bool
			if days, ok = parseDays(v); !ok {
				fail(fDays, "import.bad.days", "write days such as lun, mer, ven or lunedì-venerdì", nil)
			}
		}
		var hours [][2]int
		if v, _ := get(fHours); v != "" {
			var ok bool
			if hours, ok = parseHours(v); !ok {
				fail(fHours, "import.bad.hours", "write hours such as 9-12 or 14:30-18:00, or mattina, pomeriggio, sera", nil)
			}
		}
		if len(days) > 0 {
			p.Slots = append(p.Slots, slotsOf(days, hours)...)
		}
		if v, _ := get(fMode); v != "" {
			if m, ok := parseMode(v); ok {
				p.Mode = m
			} else {
				fail(fMode, "import.bad.mode", "write di persona, a distanza or entrambi", nil)
			}
		}
		if v, _ := get(fDistance); v != "" {
			if f, ok := parseNumber(v); ok {
				p.MaxDistanceKm = f
			} else {
				fail(fDistance, "import.bad.number", "not a number", nil)
			}
		}
		if v, _ := get(fCapacity); v != "" {
			if f, ok := parseNumber(v); ok && f == float64(int(f)) {
				p.Capacity = int(f)
			} else {
				fail(fCapacity, "import.bad.number", "not a number", nil)
			}
		}
		if v, _ := get(fStatus); v != "" {
			if s, ok := parseStatus(v); ok {
				p.Status = s
			} else {
				fail(fStatus, "import.bad.status", "write aperto, in pausa, abbinato, chiuso or scaduto", nil)
			}
		}
		if v, _ := get(fExpires); v != "" {
			if t, ok := parseDate(v, b.loc); ok {
				p.Expires = time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 0, 0, b.loc)
			} else {
				fail(fExpires, "import.bad.date", "not a date (write it as 31/12/2026)", nil)
			}
		}
		if v, _ := get(fUrgent); v != "" {
			if u, ok := parseBool(v); ok {
				p.Urgent = u
			} else {
				fail(fUrgent, "import.bad.bool", "write sì or no", nil)
			}
		}
		if p.Kind == saperi.Need && p.Capacity == 0 {
			p.Capacity = 1
		}
		p.Normalize(created)
		p.ProfileID = 1 // validated here without an owner; the store sets it
		if err := p.Validate(b.cats, created); err != nil {
			m := map[string]string{"title": w.field, "description": fDescription, "category": fCategory, "tags": fTags,
				"mode": fMode, "max_distance_km": fDistance, "capacity": fCapacity, "status": fStatus, "expires": fExpires,
				"slots": fSlots, "available_to": fSlots}
			if _, ok := cols[fSlots]; !ok {
				m["slots"] = fHours
			}
			b.domain(file, row.Line, header, cols, row, err, m)
			bad = true
		}
		p.ProfileID = 0
		pkey := key + "|" + string(w.kind) + "|" + plain(w.title)
		if v, _ := get(fPostingRef); v != "" {
			pkey = "x:" + plain(v)
		}
		if b.postKey[pkey] {
			continue // the same posting twice in the files
		}
		postings = append(postings, saperi.ImportPosting{Key: pkey, Posting: p})
	}
	if bad {
		b.invalid[file+"\x00"+fmt.Sprint(row.Line)] = true
		return
	}
	for _, ip := range postings {
		b.postKey[ip.Key] = true
	}
	if i, ok := b.byKey[key]; ok {
		if b.people[i].Profile == nil && prof != nil {
			b.people[i].Profile = prof
		}
		b.people[i].Postings = append(b.people[i].Postings, postings...)
		return
	}
	b.byKey[key] = len(b.people)
	b.people = append(b.people, saperi.ImportPerson{Key: key, Profile: prof, Postings: postings})
	b.source = append(b.source, cellRef{file: file, line: row.Line, column: refCol, value: ref})
}

// domain reports a validation error of the domain against the column of
// its field.
func (b *builder) domain(file string, line int, header []string, cols map[string]int, row sheet.Row, err error, fields map[string]string) {
	e := saperi.AsError(err)
	if e == nil {
		b.problem(file, line, "", "", "import.bad.row", err.Error(), nil)
		return
	}
	col, val := "", ""
	if f, ok := fields[e.Field]; ok {
		if i, ok := cols[f]; ok {
			col = header[i]
			if i < len(row.Fields) {
				val = row.Fields[i]
			}
		}
	}
	key := e.Key
	switch e.Field {
	case "contacts.phone":
		key = "import.bad.phone"
	case "contacts.email":
		key = "import.bad.email"
	}
	args := map[string]any{}
	for k, v := range e.Args {
		args[k] = v
	}
	args["Field"] = col
	if col == "" {
		args["Field"] = e.Field
	}
	b.problem(file, line, col, val, key, e.Message, args)
}

func categoryList(cats []saperi.Category) string {
	names := make([]string, len(cats))
	for i, c := range cats {
		names[i] = c.ID
	}
	return strings.Join(names, ", ")
}

// rome is the hubs' time zone, UTC when the zone database is missing.
func rome() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.UTC
}

// forbidden is the error for a principal that may not act.
func forbidden(p saperi.Principal) error {
	if p.Anonymous() {
		return saperi.Errorf(saperi.EUNAUTHORIZED, "error.auth.required", "log in first, or send an API token")
	}
	return saperi.Errorf(saperi.EFORBIDDEN, "error.forbidden", "your account may not do this")
}
