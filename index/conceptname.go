package index

import "sync"

// conceptNames maps a concept's Italian display name to its first label in
// each other language of the concept files, built on first use from the
// lexicon (which never changes once the index is open).
type conceptNames struct {
	once sync.Once
	m    map[string]map[string]string // Italian name → lang → name
}

// names is shared by every Index of a process with the same lexicon; an
// Index with extra concepts (a hub's) builds its own.
var sharedNames sync.Map // *lexicon → *conceptNames

// ConceptName returns how the concept whose Italian display name is name
// ("piccoli lavori elettrici", as reasons carry it) reads in lang: the
// first label of that language in the concept files ("electrician"), or ""
// when there is none (Italian, an unknown name, a hub's concept without
// labels in lang). locale.Catalog.SetConceptNames takes it.
func (ix *Index) ConceptName(name, lang string) string {
	if ix.lex() == nil {
		return ""
	}
	v, _ := sharedNames.LoadOrStore(ix.lex(), &conceptNames{})
	cn := v.(*conceptNames)
	cn.once.Do(func() {
		cn.m = map[string]map[string]string{}
		byID := map[string]bool{}
		for _, r := range ix.lex().raws {
			if byID[r.ID] {
				continue // a concept defined twice keeps its first definition
			}
			byID[r.ID] = true
			it := r.lines["it"]
			if len(it) == 0 {
				continue
			}
			for _, l := range Languages {
				if ls := r.lines[l]; len(ls) > 0 {
					if cn.m[it[0]] == nil {
						cn.m[it[0]] = map[string]string{}
					}
					cn.m[it[0]][l] = ls[0]
				}
			}
		}
	})
	return cn.m[name][lang]
}
