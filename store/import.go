package store

import (
	"context"
	"fmt"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// Key prefixes in the import_keys bucket.
const (
	personKeyPrefix  = "p:"
	postingKeyPrefix = "o:"
)

func importKey(hubID uint64, prefix, key string) []byte {
	return append(append(itob(hubID), prefix...), key...)
}

// ImportedPeople returns the profile ids of the given person keys already
// imported into hub; keys never imported are absent.
func (db *DB) ImportedPeople(ctx context.Context, hubID uint64, keys []string) (map[string]uint64, error) {
	out := map[string]uint64{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(importKeyBucket)
		for _, k := range keys {
			if v := b.Get(importKey(hubID, personKeyPrefix, k)); len(v) == 8 {
				out[k] = btoi(v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: imported people: %w", err)
	}
	return out, nil
}

// ImportedPostings returns the posting ids of the given posting keys
// already imported into hub.
func (db *DB) ImportedPostings(ctx context.Context, hubID uint64, keys []string) (map[string]uint64, error) {
	out := map[string]uint64{}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(importKeyBucket)
		for _, k := range keys {
			if v := b.Get(importKey(hubID, postingKeyPrefix, k)); len(v) == 8 {
				out[k] = btoi(v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: imported postings: %w", err)
	}
	return out, nil
}

// Import writes people and their postings from a register of hubID in
// one transaction: all of them or, on the first error, none. It is the
// bulk path of ImportProfiles and ImportPostings, plus the keys: a person
// or posting whose key is already in the hub is not written again (its
// postings are added to the existing person), so importing the same file
// twice creates nothing twice. A person with a nil Profile must have been
// imported before. Every new profile gets an audit event
// ("profile.import"), and one event records the batch of postings.
// Postings inherit from their owner (saperi.Posting.Inherit) and are
// validated as CreatePosting does.
func (db *DB) Import(ctx context.Context, hubID uint64, people []saperi.ImportPerson, ev saperi.Event) (saperi.ImportCounts, error) {
	var n saperi.ImportCounts
	var created []*saperi.Profile
	var posted []*saperi.Posting
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		if !hubExists(tx, hubID) {
			return unknownHub(hubID)
		}
		cats, err := categories(tx)
		if err != nil {
			return err
		}
		keys := tx.Bucket(importKeyBucket)
		profiles := tx.Bucket(profileBucket)
		for i, person := range people {
			var owner *saperi.Profile
			pk := importKey(hubID, personKeyPrefix, person.Key)
			if v := keys.Get(pk); len(v) == 8 {
				if owner, err = getProfile(tx, btoi(v)); err != nil {
					return fmt.Errorf("person %d (%s): %w", i, person.Key, err)
				}
				n.PeopleExisting++
			} else {
				if person.Profile == nil {
					return &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.import.no_person",
						Args: map[string]any{"Key": person.Key}, Message: fmt.Sprintf("no person %q imported in this hub", person.Key)}
				}
				owner = person.Profile
				owner.HubID = hubID
				if err := owner.Validate(); err != nil {
					return fmt.Errorf("person %d: %w", i, err)
				}
				id, err := profiles.NextSequence()
				if err != nil {
					return fmt.Errorf("store: import person %d: %w", i, err)
				}
				owner.ID = id
				created = append(created, owner)
				if err := putProfile(tx, owner, nil); err != nil {
					return err
				}
				if err := addEvent(tx, profileEvent(ev, owner.ID, "profile.import")); err != nil {
					return err
				}
				if err := keys.Put(pk, itob(owner.ID)); err != nil {
					return fmt.Errorf("store: import key: %w", err)
				}
				n.People++
			}
			for j, ip := range person.Postings {
				ok := importKey(hubID, postingKeyPrefix, ip.Key)
				if keys.Get(ok) != nil {
					n.PostingsExisting++
					continue
				}
				p := ip.Posting
				p.Inherit(owner)
				if err := createPosting(tx, p, cats); err != nil {
					return fmt.Errorf("person %d posting %d: %w", i, j, err)
				}
				posted = append(posted, p)
				if err := keys.Put(ok, itob(p.ID)); err != nil {
					return fmt.Errorf("store: import key: %w", err)
				}
				n.Postings++
			}
		}
		if n.Postings == 0 {
			return nil
		}
		pev := ev
		if pev.Action == "" {
			pev.Action = "posting.import"
		}
		pev.Subject = fmt.Sprintf("hub/%d", hubID)
		pev.Detail = fmt.Sprintf("%d postings", n.Postings)
		return addEvent(tx, pev)
	})
	if err != nil {
		for _, p := range created {
			p.ID = 0
		}
		for _, p := range posted {
			p.ID = 0
		}
		return saperi.ImportCounts{}, err
	}
	return n, nil
}
