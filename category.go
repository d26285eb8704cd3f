package saperi

// Category is an entry of the small, editable taxonomy postings are filed
// under. ID is a stable slug; names are per language.
type Category struct {
	ID   string `json:"id"`
	Name string `json:"name"`    // Italian
	En   string `json:"name_en"` // English
}

// DefaultCategories is the taxonomy a new store starts with.
var DefaultCategories = []Category{
	{"scuola", "Scuola e ripetizioni", "School and tutoring"},
	{"digitale", "Aiuto digitale", "Digital help"},
	{"compagnia", "Compagnia e assistenza", "Company and care"},
	{"salute", "Salute e accompagnamento", "Health and accompaniment"},
	{"casa", "Casa e piccole riparazioni", "Home and small repairs"},
	{"burocrazia", "Pratiche e burocrazia", "Paperwork and bureaucracy"},
	{"lingue", "Lingue e traduzioni", "Languages and translation"},
	{"bambini", "Bambini e famiglie", "Children and families"},
	{"cucina", "Cucina e spesa", "Food and shopping"},
	{"commissioni", "Trasporti e commissioni", "Transport and errands"},
	{"lavoro", "Lavoro e formazione", "Work and training"},
	{"cultura", "Cultura, arte e hobby", "Culture, arts and hobbies"},
	{"sport", "Sport e benessere", "Sport and wellbeing"},
	{"verde", "Orto e verde", "Gardens and green spaces"},
	{"animali", "Animali", "Pets"},
	{"altro", "Altro", "Other"},
}

// CategoryByID looks a category up in list.
func CategoryByID(list []Category, id string) (Category, bool) {
	for _, c := range list {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Neighbour is a posting near the text whose category is being guessed,
// with its text relevance.
type Neighbour struct {
	Category string
	Score    float64
}

// Suggestion is a guessed category with its confidence in [0,1].
type Suggestion struct {
	Category   string  `json:"category"`
	Confidence float64 `json:"confidence"`
}

// SuggestCategory guesses the category of a posting's text from two
// votes of equal say: the categories of its nearest categorised postings
// (weighted by relevance) and the category whose keywords the text uses
// (keyword, with its share of keyword votes in [0,1]). Categories not in
// list are ignored. It returns false when neither vote names one.
func SuggestCategory(list []Category, near []Neighbour, keyword string, share float64) (Suggestion, bool) {
	votes := map[string]float64{}
	total := 0.0
	for _, n := range near {
		if _, ok := CategoryByID(list, n.Category); ok && n.Score > 0 && finite(n.Score) {
			total += n.Score
		}
	}
	for _, n := range near {
		if _, ok := CategoryByID(list, n.Category); ok && n.Score > 0 && finite(n.Score) {
			votes[n.Category] += 0.5 * n.Score / total
		}
	}
	if _, ok := CategoryByID(list, keyword); ok && share > 0 {
		votes[keyword] += 0.5 * clamp01(share)
	}
	best := Suggestion{}
	for _, c := range list { // list order breaks ties
		if v := votes[c.ID]; v > best.Confidence {
			best = Suggestion{Category: c.ID, Confidence: round4(v)}
		}
	}
	return best, best.Category != ""
}
