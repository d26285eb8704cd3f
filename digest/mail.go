package digest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mailer delivers one message. An error that Temporary reports true for is
// retried with backoff; any other error is permanent for this run.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}

// Temporary reports whether err is worth retrying: an SMTP 4xx reply, or
// a network failure before the server answered.
func Temporary(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.IsTemp()
	}
	var t interface{ Temporary() bool }
	if errors.As(err, &t) {
		return t.Temporary()
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// build turns a Message into a MIME message: a plain-text part with an
// HTML alternative, the inline images referenced by Content-ID, a
// deterministic Message-ID and the List-Unsubscribe headers (RFC 2369,
// with RFC 8058 one-click).
func build(m *Message, date time.Time) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("digest: from %q: %w", m.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("digest: to %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(date)
	if m.Unsubscribe != "" {
		msg.SetGenHeaderPreformatted(mail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeaderPreformatted(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	for _, in := range m.Inline {
		if err := msg.EmbedReader(in.Name, bytes.NewReader(in.Data), mail.WithFileContentID("<"+in.CID+">"),
			mail.WithFileContentType(mail.ContentType(in.ContentType))); err != nil {
			return nil, fmt.Errorf("digest: embed %s: %w", in.Name, err)
		}
	}
	return msg, nil
}

// SMTPConfig configures SMTPMailer.
type SMTPConfig struct {
	Host     string
	Port     int
	User     string
	Password string
	// TLS is "starttls" (required), "opportunistic", "tls" (implicit, port
	// 465) or "none".
	TLS     string
	Timeout time.Duration
}

// SMTPMailer sends through an SMTP server, one connection per message.
type SMTPMailer struct {
	cfg SMTPConfig
	now Clock
}

// NewSMTPMailer checks cfg and returns a mailer.
func NewSMTPMailer(cfg SMTPConfig, now Clock) (*SMTPMailer, error) {
	switch cfg.TLS {
	case "", "starttls", "opportunistic", "tls", "none":
	default:
		return nil, fmt.Errorf("digest: SMTP TLS %q: use starttls, opportunistic, tls or none", cfg.TLS)
	}
	if cfg.Host == "" {
		return nil, fmt.Errorf("digest: no SMTP host")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPMailer{cfg: cfg, now: now}, nil
}

// Send implements Mailer.
func (s *SMTPMailer) Send(ctx context.Context, m *Message) error {
	msg, err := build(m, s.now())
	if err != nil {
		return err
	}
	opts := []mail.Option{mail.WithTimeout(s.cfg.Timeout)}
	if s.cfg.Port != 0 {
		opts = append(opts, mail.WithPort(s.cfg.Port))
	}
	switch s.cfg.TLS {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.cfg.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.cfg.User), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("digest: SMTP client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("digest: send %s: %w", m.Key, err)
	}
	return nil
}

// DirMailer writes each message as an .eml file into a folder (the
// outbox used when no SMTP server is configured). The file is named after
// the message's key and written through a temporary file and a rename, so
// a message is there whole or not at all, and writing it again replaces
// it: in this mode a resumed run never duplicates a mail.
type DirMailer struct {
	Dir string
	Now Clock
}

// Send implements Mailer.
func (d *DirMailer) Send(ctx context.Context, m *Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg, err := build(m, d.Now())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return fmt.Errorf("digest: outbox: %w", err)
	}
	name := filepath.Join(d.Dir, FileName(m.Key))
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("digest: outbox: %w", err)
	}
	if _, err := msg.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("digest: write %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("digest: write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("digest: write %s: %w", name, err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("digest: write %s: %w", name, err)
	}
	return nil
}

// FileName is the outbox file name of the message with key.
func FileName(key string) string {
	r := strings.NewReplacer("/", "_", "@", "_at_", "\\", "_", ":", "_")
	return r.Replace(key) + ".eml"
}
