package digest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
)

// ScrubOutbox deletes from the outbox folder dir (DirMailer's) the mails
// of an erased person: those named by keys (saperi.Erasure.MailKeys) and
// every other one whose decoded headers or parts hold one of traces
// (saperi.Erasure.Traces: addresses, phone, full name, titles; compared
// without regard to case), such as another person's digest that proposed
// one of their postings, or a hub's digest that listed them to call. It
// also removes half-written ".tmp" files. It returns how many files it
// removed; a missing folder is not an error.
func ScrubOutbox(dir string, keys, traces []string) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("digest: scrub outbox: %w", err)
	}
	named := make(map[string]bool, len(keys))
	for _, k := range keys {
		named[FileName(k)] = true
	}
	var needles [][]byte
	for _, t := range traces {
		if t = strings.TrimSpace(t); t != "" {
			needles = append(needles, bytes.ToLower([]byte(t)))
		}
	}
	n := 0
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".eml") || strings.HasSuffix(name, ".tmp")) {
			continue
		}
		path := filepath.Join(dir, name)
		drop := named[name] || strings.HasSuffix(name, ".tmp")
		if !drop && len(needles) > 0 {
			raw, err := os.ReadFile(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			drop = mentions(raw, needles)
		}
		if !drop {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if err := errors.Join(errs...); err != nil {
		return n, fmt.Errorf("digest: scrub outbox: %w", err)
	}
	return n, nil
}

// mentions reports whether the message raw, decoded (headers with their
// encoded words, parts with their transfer encoding), holds one of the
// lower-case needles. A message that does not parse is searched raw.
func mentions(raw []byte, needles [][]byte) bool {
	text := decodedText(raw)
	for _, n := range needles {
		if bytes.Contains(text, n) {
			return true
		}
	}
	return false
}

// decodedText is raw's readable text in lower case: the raw bytes, the
// decoded headers and every decoded leaf part.
func decodedText(raw []byte) []byte {
	var out bytes.Buffer
	out.Write(raw)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return bytes.ToLower(out.Bytes())
	}
	dec := new(mime.WordDecoder)
	for k, vs := range msg.Header {
		for _, v := range vs {
			if d, err := dec.DecodeHeader(v); err == nil {
				out.WriteString("\n" + k + ": " + d)
			}
		}
	}
	decodePart(&out, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
	return bytes.ToLower(out.Bytes())
}

func decodePart(out *bytes.Buffer, ctype, cte string, body io.Reader, depth int) {
	if depth > 10 {
		return
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err == nil && strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			decodePart(out, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1)
		}
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	}
	b, _ := io.ReadAll(io.LimitReader(r, 16<<20))
	out.WriteByte('\n')
	out.Write(b)
}

// newlineStripper drops the line breaks of a base64 body.
type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
