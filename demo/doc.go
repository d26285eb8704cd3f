// Package demo holds Saperi's demo data and writes it into a store.
//
// The data (data.json, embedded) is entirely fictional: people,
// organisations, phone numbers and stories were written for this demo and
// describe nobody. Neighbourhoods and hubs are places in Torino, but every
// point is a neighbourhood centre moved by a small deterministic jitter and
// rounded, so that no address is implied. E-mail addresses use the reserved
// domain example.org and phone numbers the unused 000 block of Torino's
// 011 prefix.
//
// The dataset is meant to show what matching does with real-life phrasing:
// many needs have a good offer written in other words ("cerco una maestra
// per mio figlio" answered by "ripetizioni per bambini delle elementari"),
// some needs have no offer at all (gaps) and some offers nobody asks for.
// A need may list the keys of the offers that answer it well ("match"), so
// that tests of retrieval and ranking can use the demo as a small sanity
// check.
//
// Seed writes the data through the small Store interface declared here;
// store.DB implements it. Dates are anchored to the time passed in, so the
// demo never looks stale, and everything derived from it (dates, jittered
// points) is deterministic.
package demo
