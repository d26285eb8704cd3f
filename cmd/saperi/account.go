package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/auth"
	"github.com/saperi/saperi/locale"
	"github.com/saperi/saperi/store"
	"golang.org/x/term"
)

// cliActor is who the audit trail says acted, for commands run on the
// server's machine.
const cliActor = "cli"

// openStore opens the store for an account command, with a hint when a
// running server holds it.
func openStore(data string) (*store.DB, error) {
	db, err := store.Open(storePath(data))
	if err != nil {
		return nil, fmt.Errorf("%w (a running server holds the store: stop it, or use the API as an admin)", err)
	}
	return db, nil
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c                               common
		email, name, role, lang, pwFile string
		hub, profile                    int
	)
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	f := newFlags("user", "add|list", "Manage accounts in the store of --data (stop the server first: the store is locked\n"+
		"while it runs; with a server running, use POST /api/v1/users as an admin).\n\n"+
		"  saperi user add --role admin --email coord@example.org --name 'Anna Coordinatrice'\n"+
		"      creates an account; the password is asked on the terminal, or read from\n"+
		"      --password-file (\"-\" for standard input) or the SAPERI_PASSWORD variable —\n"+
		"      never from a flag, so that it does not end up in the shell history.\n"+
		"      Roles: admin, operator (needs --hub), resident and staff (need --profile).\n"+
		"  saperi user list\n"+
		"      lists the accounts.", stdout)
	f.common(&c)
	f.str(&email, "email", "", "", "email address (the login name)")
	f.str(&name, "name", "", "", "the person's name")
	f.str(&role, "role", "", "resident", "admin, operator, staff or resident")
	f.int(&hub, "hub", "", 0, "hub id (operators)")
	f.int(&profile, "profile", "", 0, "profile id the account acts for (residents and staff)")
	f.str(&lang, "lang", "", "", "the language of the account's pages and mails: "+strings.Join(locale.Languages, ", "))
	f.str(&pwFile, "password-file", "SAPERI_PASSWORD_FILE", "", `file holding the password ("-" reads standard input)`)
	if err := f.parse(args); err != nil {
		return err
	}
	if action != "add" && action != "list" {
		return usageError{fmt.Errorf("say what to do: saperi user add … or saperi user list")}
	}
	db, err := openStore(c.Data)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "add":
		if lang != "" && !locale.Supported(lang) {
			return usageError{fmt.Errorf("--lang %q: Saperi is written in %s", lang, strings.Join(locale.Languages, ", "))}
		}
		pw, err := readPassword(pwFile, stdout)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return usageError{err}
		}
		now := time.Now().UTC()
		u := &saperi.User{Email: saperi.NormalizeEmail(email), Name: strings.TrimSpace(name), Role: saperi.Role(role),
			HubID: uint64(hub), ProfileID: uint64(profile), Lang: lang, PasswordHash: hash, Created: now}
		if u.Name == "" {
			u.Name, _, _ = strings.Cut(u.Email, "@")
		}
		if err := db.CreateUser(ctx, u, saperi.Event{At: now, Actor: cliActor, OnBehalfOf: u.ProfileID}); err != nil {
			if e := saperi.AsError(err); e != nil {
				return usageError{errors.New(e.Message)}
			}
			return err
		}
		fmt.Fprintf(stdout, "Account %d created: %s (%s). Log in at /login.\n", u.ID, u.Email, u.Role)
		return nil
	case "list":
		users, err := db.Users(ctx, "")
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\thub=%d profile=%d\n", u.ID, u.Role, u.Email, u.Name, u.HubID, u.ProfileID)
		}
		return nil
	}
	return usageError{fmt.Errorf("say what to do: saperi user add … or saperi user list")}
}

// readPassword reads a password from file ("-" standard input), else
// SAPERI_PASSWORD, else the terminal (twice, without echo).
func readPassword(file string, out io.Writer) (string, error) {
	switch {
	case file == "-":
		return firstLine(os.Stdin)
	case file != "":
		fh, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer fh.Close()
		return firstLine(fh)
	case os.Getenv("SAPERI_PASSWORD") != "":
		return os.Getenv("SAPERI_PASSWORD"), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", usageError{errors.New("no password: use --password-file FILE (or -), SAPERI_PASSWORD, or run on a terminal")}
	}
	fmt.Fprint(out, "Password: ")
	a, err := term.ReadPassword(fd)
	fmt.Fprintln(out)
	if err != nil {
		return "", err
	}
	fmt.Fprint(out, "Again: ")
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(out)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", usageError{errors.New("the two passwords differ")}
	}
	return string(a), nil
}

func firstLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c          common
		name, role string
		hub        int
	)
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	f := newFlags("token", "create|list|revoke ID", "Manage API tokens for integrations in the store of --data (stop the server\n"+
		"first; with a server running, use /api/v1/tokens as an admin).\n\n"+
		"  saperi token create --name ci [--role admin | --role operator --hub 3]\n"+
		"      prints the new token once (it is stored only as a hash); send it as\n"+
		"      Authorization: Bearer <token>.\n"+
		"  saperi token list\n"+
		"  saperi token revoke ID\n"+
		"      the token stops working at once.", stdout)
	f.common(&c)
	f.str(&name, "name", "", "", "what the token is for, e.g. ci or spreadsheet-sync")
	f.str(&role, "role", "", "admin", "admin, or operator of --hub")
	f.int(&hub, "hub", "", 0, "hub id (operator tokens)")
	if err := f.parse(args); err != nil {
		return err
	}
	if action != "create" && action != "list" && action != "revoke" {
		return usageError{fmt.Errorf("say what to do: saperi token create, list or revoke ID")}
	}
	db, err := openStore(c.Data)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now().UTC()
	switch action {
	case "create":
		t := &saperi.APIToken{Name: name, Role: saperi.Role(role), HubID: uint64(hub), CreatedBy: cliActor, Created: now}
		secret, err := auth.IssueToken(ctx, db, t, saperi.Event{At: now, Actor: cliActor})
		if err != nil {
			if e := saperi.AsError(err); e != nil {
				return usageError{errors.New(e.Message)}
			}
			return err
		}
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		list, err := db.Tokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range list {
			state := "active"
			if !t.Revoked.IsZero() {
				state = "revoked " + t.Revoked.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\thub=%d\t%s\n", t.ID, t.Name, t.Role, t.HubID, state)
		}
		return nil
	case "revoke":
		if f.fs.NArg() != 1 {
			return usageError{errors.New("give the id of the token to revoke")}
		}
		id, err := strconv.ParseUint(f.fs.Arg(0), 10, 64)
		if err != nil {
			return usageError{fmt.Errorf("token id %q is not a number", f.fs.Arg(0))}
		}
		if _, err := db.RevokeToken(ctx, id, now, saperi.Event{At: now, Actor: cliActor}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Token %d revoked.\n", id)
		return nil
	}
	return usageError{fmt.Errorf("say what to do: saperi token create, list or revoke ID")}
}
