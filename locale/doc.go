// Package locale holds the translation catalogs of every human-facing text
// (pages, API problems, mails) and the Localizer that reads them for one
// person. The catalogs are embedded JSON files, one or more per language,
// named NAME.LANG.json so that each feature keeps its own texts; a test
// fails when a language lacks a key another has or when code uses a key
// no catalog defines.
package locale
