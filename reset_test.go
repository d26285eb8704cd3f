package saperi

import (
	"strings"
	"testing"
)

func TestResetSubject(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	u := &User{ID: 7, PasswordHash: "$2a$04$first.hash"}
	sub := ResetSubject(secret, u)
	if !strings.HasPrefix(sub, "user/7/") || strings.Contains(sub, u.PasswordHash) {
		t.Fatalf("subject %q", sub)
	}
	if id, err := ResetUserID(sub); err != nil || id != 7 {
		t.Fatalf("ResetUserID = %d, %v", id, err)
	}
	if err := CheckReset(secret, sub, u); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	changed := *u
	changed.PasswordHash = "$2a$04$second.hash"
	other := *u
	other.ID = 8
	for name, tc := range map[string]struct {
		secret  []byte
		subject string
		u       *User
		code    string
	}{
		"password changed since": {secret, sub, &changed, ECONFLICT},
		"another account":        {secret, sub, &other, EINVALID},
		"another secret":         {[]byte("another secret of thirty-two b.."), sub, u, ECONFLICT},
		"no stamp":               {secret, "user/7/", u, EINVALID},
		"not a user":             {secret, "match/7/x", u, EINVALID},
		"bad id":                 {secret, "user/x/abc", u, EINVALID},
		"extra part":             {secret, sub + "/x", u, EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			err := CheckReset(tc.secret, tc.subject, tc.u)
			if ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
	if e := AsError(CheckReset(secret, sub, &changed)); e.Key != "error.reset.used" {
		t.Fatalf("key = %s", e.Key)
	}
}
