package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"transferlab/backend/config"
	"transferlab/backend/server"
	"transferlab/backend/store"
)

// stdin is where `user add` and `user passwd` read the password; tests swap it.
var stdin io.Reader = os.Stdin

const userUsage = `Usage: transferlab user <add|list|passwd> [flags]

Manages the accounts of a server run with --auth (or beyond loopback). Passwords are
read from the first line of standard input, never from a flag:

  printf '%s\n' "$PASSWORD" | transferlab user add --name ada --admin
  transferlab user list
  printf '%s\n' "$NEW" | transferlab user passwd --name ada

The first account can also be made when the server starts, from TRANSFERLAB_ADMIN_NAME
(default admin) and TRANSFERLAB_ADMIN_PASSWORD. Point the command at the server's data
with --data-dir or --database-url.

Flags:`

func runUser(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "passwd") {
		io.WriteString(stderr, userUsage+"\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	sub := args[0]
	cfg := config.Defaults()
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Register(fs)
	name := fs.String("name", "", "the account's name: letters, digits, dots, dashes, underscores")
	admin := fs.Bool("admin", false, "the account may add others (user add)")
	fs.Usage = func() { io.WriteString(stderr, userUsage+"\n"); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := userCommand(context.Background(), cfg, sub, *name, *admin, stdout); err != nil {
		fmt.Fprintf(stderr, "transferlab user %s: %v\n", sub, err)
		return 1
	}
	return 0
}

func userCommand(ctx context.Context, cfg config.Config, sub, name string, admin bool, stdout io.Writer) error {
	if err := cfg.Dirs().Prepare(); err != nil && !cfg.Shared() {
		return err
	}
	// The server may be running on the same SQLite file: adding a row is safe beside it
	// (SQLite takes turns), so this opens the store without the data directory's lock.
	db, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "list":
		us, err := db.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			role := "user"
			if u.Admin {
				role = "admin"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.Name, role, u.CreatedAt.Format("2006-01-02"))
		}
		return nil
	case "add":
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := server.NewUser(name, pw, admin)
		if err != nil {
			return err
		}
		if err := db.CreateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrNameTaken) {
				return fmt.Errorf("an account named %q exists already; set its password with `transferlab user passwd --name %s`", u.Name, u.Name)
			}
			return err
		}
		fmt.Fprintf(stdout, "added %s\n", u.Name)
		return nil
	default: // passwd
		u, err := db.UserByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no account named %q; `transferlab user list` shows them", name)
		}
		if err != nil {
			return err
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		nu, err := server.NewUser(u.Name, pw, u.Admin)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, u.ID, nu.PasswordHash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new password set for %s; their browsers are signed out\n", u.Name)
		return nil
	}
}

func readPassword() (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input: pipe it in, as in printf '%s\\n' \"$PASSWORD\" | transferlab user add --name ada")
	}
	return pw, nil
}

// firstAccount makes sure a server with accounts on has someone who can sign in: the
// account TRANSFERLAB_ADMIN_PASSWORD names when there is none yet, or a clear refusal.
// The first admin then adopts whatever was made before accounts were on.
func firstAccount(ctx context.Context, db *store.DB, cfg config.Config, logger *slog.Logger) error {
	us, err := db.Users(ctx)
	if err != nil {
		return err
	}
	if len(us) == 0 {
		if cfg.AdminPassword == "" {
			return errors.New("accounts are on (--auth, or listening beyond loopback) and there is no account yet: " +
				"make the first with `transferlab user add --admin --name you` (password on standard input), " +
				"or start once with TRANSFERLAB_ADMIN_PASSWORD set (and TRANSFERLAB_ADMIN_NAME, default admin)")
		}
		u, err := server.NewUser(cfg.AdminName, cfg.AdminPassword, true)
		if err != nil {
			return fmt.Errorf("TRANSFERLAB_ADMIN_NAME/TRANSFERLAB_ADMIN_PASSWORD: %w", err)
		}
		if err := db.CreateUser(ctx, u); err != nil && !errors.Is(err, store.ErrNameTaken) {
			return err
		}
		logger.Info("made the first account", "name", u.Name)
	}
	admin, err := db.FirstAdmin(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil // accounts exist but no admin: rows without an owner stay hidden
	}
	if err != nil {
		return err
	}
	if n, err := db.AdoptUnowned(ctx, admin.ID); err != nil {
		return err
	} else if n > 0 {
		logger.Info("rows made before accounts now belong to the first admin", "admin", admin.Name, "rows", n)
	}
	return db.DeleteExpiredSessions(ctx, time.Now().UTC())
}
