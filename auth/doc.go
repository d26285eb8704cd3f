// Package auth holds what proves who someone is: password hashing and
// checking (bcrypt), the random secrets of sessions and API tokens, and
// the hash under which the store keeps them. The web layer and the
// command line (`saperi user`, `saperi token`) share it.
package auth
