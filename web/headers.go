package web

import "net/http"

// contentSecurityPolicy is sent with every answer. The pages need no
// script at all, so none may run (an injection that slipped past the
// templates' escaping would still be inert); styles come from
// /static/saperi.css, plus the inline <style> of the two standalone pages
// (the printable noticeboard and the mail-link page); no page may be
// framed (clickjacking of the accept and erase buttons), forms post only
// here and no <base> may redirect relative links.
const contentSecurityPolicy = "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the content and anti-framing headers on every
// answer, before anything else can write one (including the cross-origin
// refusal). Referrer-Policy no-referrer: the mail links (/l/…, the
// password-reset page) carry secrets in their path, which must not leave
// in a Referer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
