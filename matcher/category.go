package matcher

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
