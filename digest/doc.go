// Package digest composes and sends the weekly mails of Saperi: each
// person's digest of their new proposals, what waits for their answer and
// what is about to expire; each hub's digest for its operators; the
// transactional mails ("your match is connected") that share their path.
// It also gathers the weekly assignment's candidates from the engine and
// stores its proposals.
//
// Every mail is planned in the store (one saperi.Send per recipient and
// ISO week) before it is sent and marked after, so a crashed run resumes
// without skipping anyone; see Runner for the at-least-once argument.
// The package declares the small interfaces it needs (Store, Mailer,
// Translator); cmd/saperi wires the store, the SMTP or folder mailer and
// the web catalogs into them.
package digest
