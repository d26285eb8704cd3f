package service

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Import fields: what a column of a register can hold.
const (
	fRef         = "ref"          // the register's id of the person
	fFirstName   = "first_name"   // nome
	fLastName    = "last_name"    // cognome
	fName        = "name"         // nome e cognome in one column
	fProfileKind = "profile_kind" // persona / associazione
	fPhone       = "phone"
	fEmail       = "email"
	fArea        = "area"
	fLanguages   = "languages"
	fStory       = "story"
	fCreated     = "created"
	fOffer       = "offer" // the title of what the person offers
	fNeed        = "need"  // the title of what the person needs
	fKind        = "kind"  // offre / cerca, with title
	fTitle       = "title"
	fDescription = "description"
	fCategory    = "category"
	fTags        = "tags"
	fDays        = "days"
	fHours       = "hours"
	fSlots       = "availability" // "lun 09:00-12:00; mer 14:00-16:00"
	fMode        = "mode"
	fDistance    = "max_distance_km"
	fCapacity    = "capacity"
	fStatus      = "status"
	fExpires     = "expires"
	fUrgent      = "urgent"
	fPostingRef  = "posting_ref" // the register's id of the posting
)

// ImportFields lists the fields a column can be mapped to (--map
// column=field), for help texts.
var ImportFields = []string{fRef, fFirstName, fLastName, fName, fProfileKind, fPhone, fEmail, fArea, fLanguages,
	fStory, fCreated, fOffer, fNeed, fKind, fTitle, fDescription, fCategory, fTags, fDays, fHours, fSlots, fMode,
	fDistance, fCapacity, fStatus, fExpires, fUrgent, fPostingRef}

// headerNames maps a folded header (see fold) to its field: the names
// Italian registers use, and English ones. Export writes the first
// Italian name of each field, so that an export imports back.
var headerNames = map[string]string{
	"id": fRef, "id_persona": fRef, "codice": fRef, "codice_persona": fRef, "rif": fRef, "riferimento": fRef,
	"person_id": fRef, "external_id": fRef, "ref": fRef, "matricola": fRef, "tessera": fRef,
	"nome": fFirstName, "first_name": fFirstName, "firstname": fFirstName, "given_name": fFirstName,
	"cognome": fLastName, "last_name": fLastName, "lastname": fLastName, "surname": fLastName, "family_name": fLastName,
	"nome_e_cognome": fName, "nome_cognome": fName, "nominativo": fName, "nome_completo": fName, "full_name": fName,
	"name": fName, "ente": fName, "denominazione": fName,
	"tipo_profilo": fProfileKind, "profilo": fProfileKind, "profile_kind": fProfileKind, "profile": fProfileKind,
	"telefono": fPhone, "tel": fPhone, "cellulare": fPhone, "cell": fPhone, "phone": fPhone, "mobile": fPhone, "numero_di_telefono": fPhone,
	"email": fEmail, "e_mail": fEmail, "mail": fEmail, "posta_elettronica": fEmail, "indirizzo_email": fEmail,
	"quartiere": fArea, "zona": fArea, "area": fArea, "neighbourhood": fArea, "neighborhood": fArea, "borgo": fArea,
	"lingue": fLanguages, "lingua": fLanguages, "lingue_parlate": fLanguages, "languages": fLanguages, "language": fLanguages,
	"racconto": fStory, "note": fStory, "story": fStory, "notes": fStory,
	"creato": fCreated, "data_inserimento": fCreated, "data_iscrizione": fCreated, "created": fCreated,
	"offre": fOffer, "offro": fOffer, "offerta": fOffer, "cosa_offre": fOffer, "offer": fOffer, "offers": fOffer, "can_offer": fOffer,
	"cerca": fNeed, "cerco": fNeed, "richiesta": fNeed, "bisogno": fNeed, "cosa_cerca": fNeed, "need": fNeed, "needs": fNeed,
	"tipo": fKind, "offre_cerca": fKind, "offre_o_cerca": fKind, "kind": fKind, "type": fKind,
	"titolo": fTitle, "oggetto": fTitle, "title": fTitle,
	"descrizione": fDescription, "dettagli": fDescription, "description": fDescription, "details": fDescription,
	"categoria": fCategory, "ambito": fCategory, "category": fCategory,
	"etichette": fTags, "parole_chiave": fTags, "tags": fTags, "keywords": fTags,
	"giorni": fDays, "giorno": fDays, "days": fDays, "day": fDays,
	"orari": fHours, "orario": fHours, "fascia_oraria": fHours, "ore": fHours, "hours": fHours, "times": fHours, "time": fHours,
	"disponibilita": fSlots, "availability": fSlots, "slots": fSlots,
	"modalita": fMode, "mode": fMode,
	"distanza_km": fDistance, "distanza": fDistance, "km": fDistance, "max_distance_km": fDistance, "distance_km": fDistance,
	"capacita": fCapacity, "posti": fCapacity, "capacity": fCapacity,
	"stato": fStatus, "status": fStatus,
	"scadenza": fExpires, "scade": fExpires, "expires": fExpires, "expiry": fExpires,
	"urgente": fUrgent, "urgent": fUrgent,
	"id_annuncio": fPostingRef, "codice_annuncio": fPostingRef, "posting_id": fPostingRef, "posting_ref": fPostingRef,
}

var folder = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fold lower-cases s, drops accents and turns every run of other
// characters than letters and digits into one "_": "Disponibilità" →
// "disponibilita", "Nome e cognome" → "nome_e_cognome", "E-mail" → "e_mail".
func fold(s string) string {
	t, _, err := transform.String(folder, strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		t = strings.ToLower(s)
	}
	var b strings.Builder
	under := false
	for _, r := range t {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
			continue
		}
		under = true
	}
	return b.String()
}

// plain folds a value for comparison: lower case, no accents, single
// spaces.
func plain(s string) string {
	t, _, err := transform.String(folder, strings.ToLower(s))
	if err != nil {
		t = strings.ToLower(s)
	}
	return strings.Join(strings.Fields(t), " ")
}
