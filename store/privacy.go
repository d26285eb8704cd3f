package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// EraseProfile erases profile id and everything personal about it, in one
// transaction: its postings are deleted (with outbox entries, so the index
// drops them), its matches anonymised (saperi.Match.Forget: withdrawn if
// open, notes and matched words dropped, its side's profile id zeroed), the
// details of the audit events done on its behalf cleared (who did what and
// when stays, as ids), its accounts and their sessions deleted, and an
// event "profile.erase" added (ev, without personal data). Everything
// else keyed by or holding the person's addresses goes too: the records
// of mails to them and of the "connected" mails of their matches, the
// import keys of the person and their postings (name, phone, email as the
// hub's register had them),
// login, reset and sign-up throttles of their addresses, any pending
// sign-up for one of their addresses, their unsubscription.
// The erasure is recorded in the meta bucket (purge_pending) so that
// Purge rewrites the file without the freed pages that still hold the
// old bytes; MailKeys and Traces tell the caller what to scrub outside
// the store.
func (db *DB) EraseProfile(ctx context.Context, id uint64, ev saperi.Event) (saperi.Erasure, error) {
	var n saperi.Erasure
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		p, err := getProfile(tx, id)
		if err != nil {
			return err
		}
		var postings []uint64
		if err := scanPairs(tx.Bucket(profilePostingBucket), id, 0, func(pid uint64, _ []byte) (bool, error) {
			postings = append(postings, pid)
			return false, nil
		}); err != nil {
			return err
		}
		seen := map[uint64]bool{}
		var titles []string
		for _, pid := range postings {
			if ps, err := getPosting(tx, pid); err == nil {
				titles = append(titles, ps.Title)
			}
			if err := forgetMatches(tx, pid, id, ev, seen); err != nil {
				return err
			}
			if err := deletePosting(tx, pid); err != nil {
				return err
			}
		}
		n.Postings, n.Matches = len(postings), len(seen)
		if err := forgetImportKeys(tx, id, postings); err != nil {
			return fmt.Errorf("store: erase profile %d: %w", id, err)
		}
		if n.Events, err = clearEventDetails(tx, id); err != nil {
			return err
		}
		var users []*saperi.User
		if err := scanPairs(tx.Bucket(profileUserBucket), id, 0, func(uid uint64, _ []byte) (bool, error) {
			u, err := getUser(tx, uid)
			if err == nil {
				users = append(users, u)
			}
			return false, err
		}); err != nil {
			return err
		}
		addrs := map[string]bool{}
		if e := saperi.NormalizeEmail(p.Contacts.Email); e != "" {
			addrs[e] = true
		}
		for _, u := range users {
			if err := deleteUser(tx, u); err != nil {
				return fmt.Errorf("store: erase profile %d: %w", id, err)
			}
			addrs[saperi.NormalizeEmail(u.Email)] = true
		}
		n.Accounts = len(users)
		if err := forgetAddresses(tx, addrs); err != nil {
			return fmt.Errorf("store: erase profile %d: %w", id, err)
		}
		matches := make([]uint64, 0, len(seen))
		for mid := range seen {
			matches = append(matches, mid)
		}
		if n.MailKeys, err = forgetSends(tx, addrs, matches); err != nil {
			return fmt.Errorf("store: erase profile %d: %w", id, err)
		}
		n.Mails = len(n.MailKeys)
		n.Traces = traces(p, addrs, titles)
		if meta := tx.Bucket(metaBucket); meta.Get(purgeKey) == nil {
			if err := meta.Put(purgeKey, []byte(ev.At.UTC().Format(time.RFC3339Nano))); err != nil {
				return err
			}
		}
		if err := tx.Bucket(hubProfileBucket).Delete(pairKey(p.HubID, id)); err != nil {
			return err
		}
		if err := tx.Bucket(profileBucket).Delete(itob(id)); err != nil {
			return fmt.Errorf("store: erase profile %d: %w", id, err)
		}
		ev.Action, ev.Subject, ev.OnBehalfOf, ev.Detail = "profile.erase", fmt.Sprintf("profile/%d", id), 0,
			fmt.Sprintf("%d postings deleted, %d matches anonymised, %d accounts deleted", n.Postings, n.Matches, n.Accounts)
		return addEvent(tx, ev)
	})
	return n, err
}

// forgetMatches anonymises every match of posting pid for the side of the
// erased profile.
func forgetMatches(tx *bbolt.Tx, pid, profileID uint64, ev saperi.Event, seen map[uint64]bool) error {
	var ids []uint64
	if err := scanPairs(tx.Bucket(postingMatchBucket), pid, 0, func(mid uint64, _ []byte) (bool, error) {
		ids = append(ids, mid)
		return false, nil
	}); err != nil {
		return err
	}
	for _, mid := range ids {
		m, err := getMatch(tx, mid)
		if err != nil {
			return err
		}
		side := saperi.OfferSide
		if m.NeedID == pid {
			side = saperi.NeedSide
		}
		m.Forget(side, ev.Actor, ev.At)
		if err := putMatch(tx, m); err != nil {
			return err
		}
		seen[mid] = true
	}
	return nil
}

// deletePosting removes a posting, its index entries and its match index
// entries, and adds an outbox entry so the index drops it.
func deletePosting(tx *bbolt.Tx, pid uint64) error {
	p, err := getPosting(tx, pid)
	if err != nil {
		return err
	}
	if err := tx.Bucket(postingBucket).Delete(itob(pid)); err != nil {
		return fmt.Errorf("store: delete posting %d: %w", pid, err)
	}
	if err := tx.Bucket(profilePostingBucket).Delete(pairKey(p.ProfileID, pid)); err != nil {
		return err
	}
	if err := tx.Bucket(hubPostingBucket).Delete(pairKey(p.HubID, pid)); err != nil {
		return err
	}
	pm := tx.Bucket(postingMatchBucket)
	var keys [][]byte
	c := pm.Cursor()
	for k, _ := c.Seek(itob(pid)); k != nil && bytes.HasPrefix(k, itob(pid)); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := pm.Delete(k); err != nil {
			return err
		}
	}
	meta := tx.Bucket(metaBucket)
	if n := getUint(meta, postingCountKey); n > 0 {
		if err := meta.Put(postingCountKey, itob(n-1)); err != nil {
			return err
		}
	}
	return enqueue(tx, pid)
}

// clearEventDetails empties the free-text Detail of the events done on
// behalf of profile id.
func clearEventDetails(tx *bbolt.Tx, id uint64) (int, error) {
	events := tx.Bucket(eventBucket)
	n := 0
	err := scanPairs(tx.Bucket(profileEventBucket), id, 0, func(eid uint64, _ []byte) (bool, error) {
		v := events.Get(itob(eid))
		if v == nil {
			return false, nil
		}
		var ev saperi.Event
		if err := json.Unmarshal(v, &ev); err != nil {
			return false, fmt.Errorf("store: get event %d: %w", eid, err)
		}
		n++
		if ev.Detail == "" {
			return false, nil
		}
		ev.Detail = ""
		return false, putJSON(events, itob(eid), ev)
	})
	return n, err
}

// minTrace is the shortest name or title used as a trace: a shorter one
// ("Al", "Tè") would be found in mails about other people.
const minTrace = 6

// traces lists what identifies profile p in a mail: its addresses, phone,
// full name and the titles of its postings.
func traces(p *saperi.Profile, addrs map[string]bool, titles []string) []string {
	var out []string
	for a := range addrs {
		out = append(out, a)
	}
	if ph := strings.TrimSpace(p.Contacts.Phone); ph != "" {
		out = append(out, ph)
	}
	for _, s := range append([]string{p.Name}, titles...) {
		if s = saperi.OneLine(s); len(s) >= minTrace {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// forgetAddresses deletes what is keyed by the person's addresses: the
// login, password-reset and sign-up throttles, the pending sign-ups
// (profile data and a password hash waiting for the address to be
// confirmed) and the unsubscription.
func forgetAddresses(tx *bbolt.Tx, addrs map[string]bool) error {
	if err := deleteSignups(tx, addrs); err != nil {
		return err
	}
	attempts, unsub := tx.Bucket(loginAttemptBucket), tx.Bucket(unsubscribedBucket)
	for a := range addrs {
		for _, k := range []string{"email:" + a, "reset:email:" + a, "signup:email:" + a} {
			if err := attempts.Delete([]byte(k)); err != nil {
				return err
			}
		}
		if err := unsub.Delete([]byte(a)); err != nil {
			return err
		}
	}
	return nil
}

// forgetSends deletes the records of mails sent to any of addrs and of
// the "connected" mails of matches (both sides: the other side's mail
// carried the person's contacts), and returns their keys.
func forgetSends(tx *bbolt.Tx, addrs map[string]bool, matches []uint64) ([]string, error) {
	b := tx.Bucket(sendBucket)
	var keys [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var rec saperi.Send
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("get send %s: %w", k, err)
		}
		if rec.To != "" && addrs[saperi.NormalizeEmail(rec.To)] {
			keys = append(keys, bytes.Clone(k))
		}
	}
	for _, mid := range matches {
		for _, side := range []saperi.Side{saperi.NeedSide, saperi.OfferSide} {
			k := []byte(fmt.Sprintf("mail/connected/%d/%s", mid, side))
			if b.Get(k) != nil && !slices.ContainsFunc(keys, func(x []byte) bool { return bytes.Equal(x, k) }) {
				keys = append(keys, k)
			}
		}
	}
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return nil, err
		}
		out = append(out, string(k))
	}
	return out, nil
}

// forgetImportKeys deletes the import keys of profile id and of its
// postings: a key is the person's name and phone or email as the hub's
// register had them (saperi.ImportKey). Importing the register again
// would create the person anew: the hub must strike them from it too.
func forgetImportKeys(tx *bbolt.Tx, id uint64, postings []uint64) error {
	b := tx.Bucket(importKeyBucket)
	if b == nil {
		return nil
	}
	mine := make(map[uint64]bool, len(postings))
	for _, pid := range postings {
		mine[pid] = true
	}
	var keys [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) < 10 || len(v) != 8 {
			continue
		}
		switch string(k[8:10]) {
		case personKeyPrefix:
			if btoi(v) == id {
				keys = append(keys, bytes.Clone(k))
			}
		case postingKeyPrefix:
			if mine[btoi(v)] {
				keys = append(keys, bytes.Clone(k))
			}
		}
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
