package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/saperi/saperi"
	"go.etcd.io/bbolt"
)

// SchemaVersion is the version of the on-disk layout this package reads and
// writes. Open refuses a file written with a newer version; a change to any
// bucket's layout below needs a bump and a migration in Open.
const SchemaVersion = 1

// Buckets. Ids are bbolt sequences (NextSequence, starting at 1) written as
// 8-byte big-endian integers, so keys sort in creation order; "a|b" is the
// 16-byte concatenation of two such ids, so an index bucket is scanned by
// the 8-byte prefix a. Records are JSON-encoded matcher types.
var (
	// meta: "version" → uint64 SchemaVersion;
	// "posting_count" → uint64 number of postings;
	// "link_secret" → 32 random bytes, generated once, that sign the links
	// in mails (saperi.SignLink);
	// "purge_pending" → RFC 3339 time of the first erasure since the last
	// Purge, absent when the file holds no freed pages of an erased person.
	metaBucket = []byte("meta")
	// hubs: hub id → saperi.Hub.
	hubBucket = []byte("hubs")
	// categories: seq → saperi.Category, in display order.
	categoryBucket = []byte("categories")
	// profiles: profile id → saperi.Profile.
	profileBucket = []byte("profiles")
	// hub_profiles: hub id|profile id → empty. Follows Profile.HubID.
	hubProfileBucket = []byte("hub_profiles")
	// postings: posting id → saperi.Posting.
	postingBucket = []byte("postings")
	// profile_postings: profile id|posting id → empty. Profile ids of
	// postings never change.
	profilePostingBucket = []byte("profile_postings")
	// hub_postings: hub id|posting id → empty. Follows Posting.HubID.
	hubPostingBucket = []byte("hub_postings")
	// matches: match id → saperi.Match.
	matchBucket = []byte("matches")
	// posting_matches: posting id|match id → saperi.MatchState as text, one
	// entry for the need and one for the offer; kept equal to Match.State.
	postingMatchBucket = []byte("posting_matches")
	// declined: posting id|counterpart posting id → match id, both
	// directions. Never deleted: a declined pair is never proposed again.
	declinedBucket = []byte("declined")
	// events: event id → saperi.Event. Append-only audit trail.
	eventBucket = []byte("events")
	// profile_events: profile id|event id → empty, for events with an
	// OnBehalfOf profile.
	profileEventBucket = []byte("profile_events")
	// outbox: seq → posting id. One entry per write of a posting; the index
	// re-reads the posting and deletes the entry (Changes, DoneChanges).
	outboxBucket = []byte("outbox")
	// synonyms: synonym id → saperi.Synonym, the admins' synonym groups.
	// Matching expands queries with them at query time, so a change needs
	// no re-indexing.
	synonymBucket = []byte("synonyms")
	// conceptBucket: concept id → JSON saperi.Concept, the hubs' own
	// concepts (added in place: a new bucket only).
	conceptBucket = []byte("concepts")

	// Accounts. Added in place to schema 1 (new buckets only: Open creates
	// missing buckets in an existing file, so no migration is needed).
	//
	// users: user id → saperi.User (PasswordHash is bcrypt).
	userBucket = []byte("users")
	// users_by_email: saperi.NormalizeEmail(email) → user id. Unique.
	userEmailBucket = []byte("users_by_email")
	// profile_users: profile id|user id → empty: the accounts acting for a
	// profile (a resident, or an organisation's staff).
	profileUserBucket = []byte("profile_users")
	// sessions: SHA-256 of the session secret (32 bytes) → saperi.Session.
	// The secret itself is only ever in the person's cookie.
	sessionBucket = []byte("sessions")
	// user_sessions: user id|SHA-256 (8+32 bytes) → empty, so that "log out
	// everywhere" finds every session of a user.
	userSessionBucket = []byte("user_sessions")
	// tokens: token id → matcher.Token (Hash is the hex SHA-256 of the
	// secret); revoked tokens stay, with Revoked set.
	tokenBucket = []byte("tokens")
	// token_hashes: SHA-256 of the secret (32 bytes) → token id.
	tokenHashBucket = []byte("token_hashes")
	// login_attempts: "email:<normalised email>" or "ip:<address>" →
	// saperi.Attempts, the failed logins of the current window.
	loginAttemptBucket = []byte("login_attempts")
	// sends: Send.Key as text ("digest/2026-W48/personal/12",
	// "mail/connected/5/need", "run/digest/2026-W48") → saperi.Send. One
	// record per mail, planned before sending and marked after, so a
	// crashed run resumes without resending or skipping. Never deleted.
	sendBucket = []byte("sends")
	// unsubscribed: lower-case email address → saperi.Event (when and
	// how). An address here gets no digest.
	unsubscribedBucket = []byte("unsubscribed")

	// import_keys: hub id (8 bytes) | "p:" or "o:" | key → profile or
	// posting id (8 bytes). The stable key of each person and posting
	// imported from a hub's register (saperi.ImportPerson), so that
	// importing the same file again creates nothing twice. Added in
	// place to schema 1 (a new bucket).
	importKeyBucket = []byte("import_keys")

	// signups: pending sign-up id → saperi.PendingSignup, a sign-up whose
	// address is not yet confirmed (it holds a password hash and the
	// profile to create). Added in place to schema 1 (new buckets).
	signupBucket = []byte("signups")
	// signups_by_email: normalised email → pending sign-up id. One pending
	// sign-up per address.
	signupEmailBucket = []byte("signups_by_email")
)

// buckets lists every bucket Open creates.
var buckets = [][]byte{
	metaBucket, hubBucket, categoryBucket, profileBucket, hubProfileBucket,
	postingBucket, profilePostingBucket, hubPostingBucket, matchBucket,
	postingMatchBucket, declinedBucket, eventBucket, profileEventBucket, outboxBucket,
	synonymBucket, conceptBucket,
	userBucket, userEmailBucket, profileUserBucket, sessionBucket, userSessionBucket,
	tokenBucket, tokenHashBucket, loginAttemptBucket,
	sendBucket, unsubscribedBucket, importKeyBucket, signupBucket, signupEmailBucket,
}

// Keys of the meta bucket.
var (
	versionKey      = []byte("version")
	postingCountKey = []byte("posting_count")
	linkSecretKey   = []byte("link_secret")
	purgeKey        = []byte("purge_pending")
)

// Listing limits.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// DB is the bbolt-backed store. It is safe for concurrent use.
type DB struct {
	// mu is held for reading by every transaction and for writing by
	// Purge, which replaces bolt with a rewritten file, and by Close.
	mu   sync.RWMutex
	bolt *bbolt.DB
	path string
}

// Open opens (creating it, with any missing parent directory) the store
// file at path. A new file gets every bucket, the schema version and
// saperi.DefaultCategories. Open waits at most a second for another
// process holding the file.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	b, err := openBolt(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := b.Update(initSchema); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &DB{bolt: b, path: path}, nil
}

// openBolt opens the bbolt file at path with the store's settings.
func openBolt(path string) (*bbolt.DB, error) {
	b, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 1 * time.Second})
	if err != nil {
		return nil, err
	}
	// Group commit for concurrent single writes (see batch): one fsync
	// for the writes that arrive within a millisecond of each other,
	// instead of bbolt's default 10 ms wait that makes a few writers slower
	// than plain transactions.
	b.MaxBatchDelay = time.Millisecond
	b.MaxBatchSize = 64
	return b, nil
}

// initSchema checks the schema version of an existing file, or lays out a
// new one.
func initSchema(tx *bbolt.Tx) error {
	fresh := false
	if meta := tx.Bucket(metaBucket); meta != nil {
		v := meta.Get(versionKey)
		if len(v) != 8 {
			return fmt.Errorf("no schema version in the meta bucket: not a saperi store")
		}
		if ver := btoi(v); ver > SchemaVersion {
			return fmt.Errorf("schema version %d is newer than this program's %d: use a newer saperi", ver, SchemaVersion)
		}
	} else {
		fresh = true
		if err := tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			return fmt.Errorf("bucket %q but no meta bucket: not a saperi store", name)
		}); err != nil {
			return err
		}
	}
	for _, name := range buckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(metaBucket)
	if meta.Get(linkSecretKey) == nil {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return fmt.Errorf("generate link secret: %w", err)
		}
		if err := meta.Put(linkSecretKey, secret); err != nil {
			return fmt.Errorf("put link secret: %w", err)
		}
	}
	if !fresh {
		return nil
	}
	if err := meta.Put(versionKey, itob(SchemaVersion)); err != nil {
		return fmt.Errorf("put schema version: %w", err)
	}
	if err := meta.Put(postingCountKey, itob(0)); err != nil {
		return fmt.Errorf("put posting count: %w", err)
	}
	cats := tx.Bucket(categoryBucket)
	for _, c := range saperi.DefaultCategories {
		seq, err := cats.NextSequence()
		if err != nil {
			return fmt.Errorf("seed category %s: %w", c.ID, err)
		}
		if err := putJSON(cats, itob(seq), c); err != nil {
			return fmt.Errorf("seed category %s: %w", c.ID, err)
		}
	}
	return nil
}

// Close closes the file.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Path returns the path the store was opened with.
func (db *DB) Path() string { return db.path }

// view runs fn in a read transaction unless ctx is already done.
func (db *DB) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.View(fn)
}

// update runs fn in a write transaction unless ctx is already done.
func (db *DB) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.Update(fn)
}

// batch runs fn in a write transaction that may be shared with other
// concurrent calls of batch (one commit, one fsync for all), unless ctx is
// already done. It returns once the transaction is durable. fn may run
// more than once (bbolt reruns the others when one of a group fails), so
// it must only change the transaction and values it sets afresh on every
// run. Used for the frequent single-record writes of the API.
func (db *DB) batch(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.Batch(fn)
}

// itob encodes an id as an 8-byte big-endian key.
func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// btoi decodes an 8-byte big-endian key.
func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// pairKey encodes a|b as a 16-byte key.
func pairKey(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

// scanPairs calls fn, in order of b, for every key a|b of bucket with b >
// after, until fn returns stop or an error. v is valid only inside fn.
func scanPairs(bucket *bbolt.Bucket, a, after uint64, fn func(b uint64, v []byte) (stop bool, err error)) error {
	c := bucket.Cursor()
	for k, v := c.Seek(pairKey(a, after)); k != nil && len(k) == 16 && btoi(k) == a; k, v = c.Next() {
		b := btoi(k[8:])
		if b <= after {
			continue
		}
		stop, err := fn(b, v)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// seekAfter positions c on the first 8-byte key greater than after.
func seekAfter(c *bbolt.Cursor, after uint64) (k, v []byte) {
	k, v = c.Seek(itob(after))
	if k != nil && btoi(k) == after {
		k, v = c.Next()
	}
	return k, v
}

// getUint reads a uint64 value, 0 when key is absent.
func getUint(b *bbolt.Bucket, key []byte) uint64 {
	v := b.Get(key)
	if len(v) != 8 {
		return 0
	}
	return btoi(v)
}

// putJSON encodes v under key.
func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	buf, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, buf)
}

// getJSON decodes the record under id into v; it reports false when there
// is none. Decoding copies, so v outlives the transaction.
func getJSON(b *bbolt.Bucket, id uint64, v any) (bool, error) {
	buf := b.Get(itob(id))
	if buf == nil {
		return false, nil
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return true, err
	}
	return true, nil
}

// clampLimit clamps a requested listing size.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return defaultLimit
	case n > maxLimit:
		return maxLimit
	}
	return n
}

// immutable is the error for a callback that changed a field it may not.
func immutable(field string) error {
	return &saperi.Error{Code: saperi.EINVALID, Key: "error.immutable", Field: field,
		Args: map[string]any{"Field": field}, Message: field + " cannot change after creation"}
}

// scan calls fn with every record of bucket (keys are big-endian ids), in
// id order, in chunks of at most batch (default defaultScanBatch). Each
// chunk is read in its own transaction and fn runs outside it, so a long
// scan never holds the file; records written meanwhile may or may not be
// seen. ctx is checked between chunks (by view). An error from fn stops
// the scan and is returned as is. what names the records in errors.
func scan[T any](ctx context.Context, db *DB, bucket []byte, what string, batch int, fn func([]*T) error) error {
	if batch <= 0 {
		batch = defaultScanBatch
	}
	var after uint64
	for {
		chunk := make([]*T, 0, batch)
		err := db.view(ctx, func(tx *bbolt.Tx) error {
			c := tx.Bucket(bucket).Cursor()
			for k, v := seekAfter(c, after); k != nil && len(chunk) < batch; k, v = c.Next() {
				r := new(T)
				if err := json.Unmarshal(v, r); err != nil {
					return fmt.Errorf("store: get %s %d: %w", what, btoi(k), err)
				}
				chunk = append(chunk, r)
				after = btoi(k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(chunk) == 0 {
			return nil
		}
		if err := fn(chunk); err != nil {
			return err
		}
		if len(chunk) < batch {
			return nil
		}
	}
}
