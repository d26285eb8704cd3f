// Package service holds Saperi's use cases, written once: post, edit,
// pause, renew or close a posting; register a walk-in; propose, answer,
// follow and complete a match; record contact attempts and case notes;
// export and erase a person's data; accounts and tokens; the desk's queue
// and the hub's noticeboard.
//
// The JSON API and the pages (web) both call these methods, so each rule
// lives in one place. Every method reads the caller from its context
// (saperi.PrincipalFrom), asks saperi.Can before it reads or writes
// anything a caller may not, validates, writes through the store with an
// audit event, and tells the index that something changed. It works over
// small interfaces that store.DB and index.Index satisfy; it imports
// neither bbolt nor bleve nor gin.
package service
