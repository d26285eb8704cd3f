package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/saperi/saperi"
)

// Place is a town around the city (a municipality centroid), used to
// spread generated people beyond the city's neighbourhoods.
type Place struct {
	Name     string
	Lat, Lon float64
}

// Gen makes realistic synthetic hubs, profiles and postings for benchmarks,
// deterministically: the same seed and the same sequence of calls give the
// same records. Postings are made one at a time, so a million of them never
// need to be in memory together.
type Gen struct {
	rng    *rand.Rand
	now    time.Time
	areas  []Area
	places []Place
	n      int
}

// NewGen returns a generator over the demo neighbourhoods of Torino and the
// given places around it.
func NewGen(seed uint64, now time.Time, places []Place) (*Gen, error) {
	d, err := Load()
	if err != nil {
		return nil, err
	}
	return &Gen{rng: rand.New(rand.NewPCG(seed, seed^0x5ab3e7)), now: now, areas: d.Areas, places: places}, nil
}

// Hub returns the i-th hub, in one of the neighbourhoods.
func (g *Gen) Hub(i int) *saperi.Hub {
	a := g.areas[i%len(g.areas)]
	return &saperi.Hub{Name: fmt.Sprintf("Portineria %s %d", a.Name, i+1), Area: a.Name,
		Point: &saperi.Point{Lat: a.Lat, Lon: a.Lon}, Neighbors: []uint64{}, ShareWithNeighbors: i%2 == 0, Created: g.now}
}

var (
	firstNames = []string{"Maria", "Giuseppe", "Anna", "Luca", "Francesca", "Marco", "Giulia", "Paolo", "Fatima", "Ahmed",
		"Ioana", "Andrei", "Mamadou", "Aminata", "Wei", "Li", "Rosa", "Carlos", "Elena", "Youssef", "Chiara", "Matteo",
		"Sara", "Davide", "Khadija", "Omar", "Valentina", "Simone", "Blessing", "Chinedu", "Ardit", "Elira"}
	lastNames = []string{"Rossi", "Bianchi", "Russo", "Ferrero", "Gallo", "Costa", "Bruno", "Conti", "Benali", "El Idrissi",
		"Popescu", "Ionescu", "Diop", "Ndiaye", "Chen", "Wang", "Quispe", "Mamani", "Okafor", "Hoxha", "Greco", "Marino"}
	otherLangs = []string{"fr", "ar", "ro", "es", "en", "zh", "wo", "sq", "pt", "uk"}
)

// Profile returns a new resident (one in twenty an organisation) of hub,
// living in a neighbourhood or a town around the city.
func (g *Gen) Profile(hubID uint64) *saperi.Profile {
	r := g.rng
	area, pt := g.place()
	langs := []string{"it"}
	if r.IntN(3) == 0 {
		langs = append(langs, otherLangs[r.IntN(len(otherLangs))])
	}
	kind := saperi.Resident
	name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
	if r.IntN(20) == 0 {
		kind = saperi.Organisation
		name = "Associazione " + lastNames[r.IntN(len(lastNames))] + " " + area
	}
	created := g.now.Add(-time.Duration(30+r.IntN(300)) * 24 * time.Hour)
	p := &saperi.Profile{Kind: kind, Name: name, HubID: hubID, Area: area, Point: &pt, Languages: langs,
		Consent: saperi.Consent{Text: "Dati generati per le prove di carico", Version: "bench", At: created, By: saperi.ConsentSelf},
		Created: created, Updated: created}
	p.Normalize()
	return p
}

// place picks a neighbourhood (three times in four) or a town, and a point
// within about a kilometre of its centre.
func (g *Gen) place() (string, saperi.Point) {
	r := g.rng
	var name string
	var lat, lon float64
	if len(g.places) == 0 || r.IntN(4) != 0 {
		a := g.areas[r.IntN(len(g.areas))]
		name, lat, lon = a.Name, a.Lat, a.Lon
	} else {
		p := g.places[r.IntN(len(g.places))]
		name, lat, lon = p.Name, p.Lat, p.Lon
	}
	km := 1.2 * math.Sqrt(r.Float64())
	ang := 2 * math.Pi * r.Float64()
	lat += km * math.Cos(ang) / 111.0
	lon += km * math.Sin(ang) / (111.0 * math.Cos(lat*math.Pi/180))
	return name, saperi.Point{Lat: lat, Lon: lon}.Approx()
}

// topic is what a category's postings talk about: things, and how offers
// and needs about them are phrased.
type topic struct {
	category string
	things   []string
	offers   []string // %s is a thing
	needs    []string
}

var topics = []topic{
	{"scuola", []string{"matematica", "italiano", "inglese", "francese", "storia", "scienze", "fisica", "chimica", "latino", "geografia"},
		[]string{"Ripetizioni di %s per le medie", "Aiuto compiti di %s", "Lezioni di %s per ragazzi delle superiori", "Insegno %s ai bambini delle elementari"},
		[]string{"Cerco aiuto in %s per mio figlio", "Mi serve qualcuno per ripassare %s", "Mia figlia fa fatica in %s", "Cerco ripetizioni di %s"}},
	{"digitale", []string{"computer", "smartphone", "SPID", "posta elettronica", "tablet", "videochiamate", "stampante", "fascicolo sanitario", "app della banca"},
		[]string{"Aiuto con %s", "Insegno a usare %s", "Ti spiego come funziona %s", "Assistenza per %s agli anziani"},
		[]string{"Non so usare %s", "Cerco qualcuno che mi aiuti con %s", "Mi serve una mano con %s", "Vorrei imparare a usare %s"}},
	{"compagnia", []string{"fare la spesa", "una passeggiata", "leggere il giornale", "giocare a carte", "fare due chiacchiere"},
		[]string{"Faccio compagnia ad anziani per %s", "Disponibile per %s con persone sole"},
		[]string{"Cerco compagnia per mia madre per %s", "Mio padre vive solo, cerco qualcuno per %s"}},
	{"salute", []string{"visite mediche", "farmacia", "analisi del sangue", "fisioterapia", "ospedale"},
		[]string{"Accompagno alle %s", "Posso accompagnare in auto a %s"},
		[]string{"Cerco qualcuno che mi accompagni a %s", "Mi serve un passaggio per %s"}},
	{"casa", []string{"montare mensole", "riparare un rubinetto", "imbiancare una stanza", "aggiustare una porta", "montare un mobile", "cambiare una presa"},
		[]string{"Piccoli lavori di casa: %s", "Sono pensionato e so %s"},
		[]string{"Mi serve una mano per %s", "Cerco qualcuno capace di %s"}},
	{"burocrazia", []string{"ISEE", "permesso di soggiorno", "bollette", "moduli del comune", "dichiarazione dei redditi", "domanda per la casa popolare"},
		[]string{"Aiuto a compilare %s", "Ti accompagno nelle pratiche per %s"},
		[]string{"Non capisco %s", "Cerco aiuto per %s"}},
	{"lingue", []string{"italiano", "arabo", "inglese", "spagnolo", "rumeno", "cinese", "francese"},
		[]string{"Conversazione in %s", "Corso di %s per principianti", "Traduco documenti in %s"},
		[]string{"Vorrei imparare %s", "Cerco chi mi aiuti a parlare %s", "Mi serve una traduzione in %s"}},
	{"bambini", []string{"babysitter", "accompagnare a scuola", "giochi al parco", "doposcuola", "feste di compleanno"},
		[]string{"Disponibile come %s il pomeriggio", "Aiuto le famiglie: %s"},
		[]string{"Cerco %s per due bambini", "Mi serve aiuto per %s"}},
	{"cucina", []string{"cucina peruviana", "pane fatto in casa", "pasta fresca", "dolci", "cucina marocchina"},
		[]string{"Insegno %s", "Laboratorio di %s"},
		[]string{"Vorrei imparare %s", "Cerco chi mi insegni %s"}},
	{"commissioni", []string{"ritirare pacchi", "portare la spesa", "passaggi in auto", "andare in posta"},
		[]string{"Faccio piccole commissioni: %s", "Disponibile per %s"},
		[]string{"Non posso uscire, cerco chi possa %s", "Mi serve aiuto per %s"}},
	{"lavoro", []string{"scrivere il curriculum", "prepararsi a un colloquio", "cercare lavoro online", "lettera di presentazione"},
		[]string{"Aiuto a %s", "Sportello per %s"},
		[]string{"Cerco aiuto per %s", "Non so come %s"}},
	{"cultura", []string{"chitarra", "pittura", "maglia", "fotografia", "teatro", "lettura ad alta voce"},
		[]string{"Lezioni di %s", "Gruppo di %s aperto a tutti"},
		[]string{"Vorrei imparare %s", "Cerco un gruppo di %s"}},
	{"sport", []string{"camminate", "yoga", "ginnastica dolce", "calcetto", "bicicletta"},
		[]string{"Organizzo %s nel parco", "Allenamento di %s per principianti"},
		[]string{"Cerco compagni per %s", "Vorrei fare %s"}},
	{"verde", []string{"orto", "potatura", "giardino condiviso", "compostaggio", "piante sul balcone"},
		[]string{"Consigli per l'%s", "Aiuto con %s"},
		[]string{"Cerco aiuto per il mio %s", "Vorrei imparare %s"}},
	{"animali", []string{"portare a spasso il cane", "gatto durante le vacanze", "visite dal veterinario"},
		[]string{"Disponibile per %s", "Amo gli animali: %s"},
		[]string{"Cerco qualcuno per %s", "Mi serve aiuto per %s"}},
}

var (
	dayPhrases  = []string{"il lunedì", "il martedì", "il mercoledì", "il giovedì", "il venerdì", "il sabato", "nel fine settimana"}
	timePhrases = []string{"la mattina", "il pomeriggio", "dopo le 18", "all'ora di pranzo"}
	extras      = []string{"Sono paziente e puntuale.", "Ho esperienza con persone anziane.", "Parlo anche un po' di francese.",
		"Abito vicino alla portineria.", "Preferisco incontrarci in biblioteca.", "Mi piace stare con la gente.",
		"Non ho la macchina.", "Possiamo vederci anche online.", "È urgente.", "Anche solo un paio d'ore."}
)

// Posting returns a new posting of owner: an offer or a need (about half
// each) in one of the categories, with weekly slots and a status mix (nine
// in ten open).
func (g *Gen) Posting(owner *saperi.Profile) *saperi.Posting {
	r := g.rng
	g.n++
	t := topics[r.IntN(len(topics))]
	thing := t.things[r.IntN(len(t.things))]
	kind, forms := saperi.Offer, t.offers
	if r.IntN(2) == 0 {
		kind, forms = saperi.Need, t.needs
	}
	title := fmt.Sprintf(forms[r.IntN(len(forms))], thing)
	var desc strings.Builder
	fmt.Fprintf(&desc, "%s %s. ", capital(dayPhrases[r.IntN(len(dayPhrases))]), timePhrases[r.IntN(len(timePhrases))])
	desc.WriteString(extras[r.IntN(len(extras))])
	if r.IntN(2) == 0 {
		desc.WriteString(" " + extras[r.IntN(len(extras))])
	}
	created := g.now.Add(-time.Duration(r.IntN(80*24)) * time.Hour)
	p := &saperi.Posting{Kind: kind, Title: title, Description: desc.String(), Category: t.category,
		Tags: []string{strings.Fields(thing)[0]}, Created: created, Updated: created,
		Expires: created.Add(time.Duration(90+r.IntN(90)) * 24 * time.Hour), MaxDistanceKm: float64(1 + r.IntN(8))}
	switch r.IntN(10) {
	case 0:
		p.Mode = saperi.Remote
	case 1, 2:
		p.Mode = saperi.Either
	default:
		p.Mode = saperi.InPerson
	}
	day := 1 + r.IntN(7)
	from := 8*60 + 30*r.IntN(20)
	p.Slots = []saperi.Slot{{Day: day, From: from, To: from + 60*(1+r.IntN(3))}}
	if r.IntN(3) == 0 {
		p.Slots = append(p.Slots, saperi.Slot{Day: 1 + day%7, From: from, To: from + 120})
	}
	if kind == saperi.Offer {
		p.Capacity = 1 + r.IntN(5)
	} else {
		p.Capacity = 1
	}
	p.Inherit(owner)
	p.Normalize(created)
	switch r.IntN(20) {
	case 0:
		p.Status = saperi.Paused
	case 1:
		p.Status = saperi.Closed
	}
	return p
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
