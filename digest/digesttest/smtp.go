// Package digesttest runs a real SMTP server on loopback for tests: it
// accepts every mail, keeps what arrived, and can be made slow or answer
// temporary errors. Only tests import it.
package digesttest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the server accepted.
type Mail struct {
	From string
	To   []string
	Raw  []byte
}

// Header parses the message's header.
func (m Mail) Header() mail.Header {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return mail.Header{}
	}
	return msg.Header
}

// Server is an SMTP server on 127.0.0.1 with a free port.
type Server struct {
	Host string
	Port int
	mu   sync.Mutex
	// delay is waited at each recipient, before the client sends the
	// content: a client killed meanwhile has not delivered that message.
	delay time.Duration
	// tempFail is how many messages are first refused with a 451.
	tempFail int
	// rcpts counts RCPT commands received.
	rcpts int
	mails []Mail
	srv   *smtp.Server
}

// Start starts a server and stops it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	go func() { _ = s.srv.Serve(ln) }()
	tb.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// SetDelay makes the server wait d at each recipient, before the client
// sends the content: a client killed meanwhile has delivered nothing.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetTempFail makes the server refuse the next n messages with a 451.
func (s *Server) SetTempFail(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tempFail = n
}

// Rcpts returns how many RCPT commands arrived: with a delay set, a
// count above the number of mails means a client is waiting mid-message.
func (s *Server) Rcpts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Mails returns what arrived so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// PerRecipient counts the mails each address received.
func (s *Server) PerRecipient() map[string]int {
	out := map[string]int{}
	for _, m := range s.Mails() {
		for _, to := range m.To {
			out[strings.ToLower(to)]++
		}
	}
	return out
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	d := x.s.delay
	x.s.rcpts++
	x.s.mu.Unlock()
	time.Sleep(d)
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.tempFail > 0 {
		x.s.tempFail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	if len(raw) == 0 {
		return errors.New("empty message")
	}
	x.s.mails = append(x.s.mails, Mail{From: x.from, To: append([]string(nil), x.to...), Raw: raw})
	return nil
}
