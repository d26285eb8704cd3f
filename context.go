package saperi

import "context"

type principalKey struct{}

// NewContext returns ctx carrying p, the caller of a request: the web
// layer sets it once per request and the use cases (service) read it, so
// that who acts never travels as a loose argument.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller carried by ctx, the zero (anonymous)
// Principal when there is none.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}
