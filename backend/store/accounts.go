package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// User is a row of users: a person who signs in when the server runs with --auth.
type User struct {
	ID           string `gorm:"primaryKey"`
	Name         string
	PasswordHash string
	Admin        bool
	CreatedAt    time.Time
}

// Session is a row of sessions: one signed-in browser, found by the hash of its
// cookie's secret.
type Session struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a row of api_tokens: a personal token an API client sends as
// `Authorization: Bearer`, found by its hash.
type APIToken struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// ErrNameTaken refuses a second account of the same name.
var ErrNameTaken = errors.New("an account of that name exists")

// FoldName is the form a user name is stored and looked up in.
func FoldName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CreateUser adds an account; its name is folded to lower case.
func (d *DB) CreateUser(ctx context.Context, u *User) error {
	u.Name = FoldName(u.Name)
	if u.ID == "" {
		u.ID = NewID("usr")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	err := d.g.WithContext(ctx).Create(u).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrNameTaken
	}
	return err
}

// UserByName finds an account by its name, in any case.
func (d *DB) UserByName(ctx context.Context, name string) (*User, error) {
	var u User
	err := d.g.WithContext(ctx).First(&u, "name = ?", FoldName(name)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// Users lists every account, oldest first.
func (d *DB) Users(ctx context.Context) ([]User, error) {
	var us []User
	err := d.g.WithContext(ctx).Order("created_at, id").Find(&us).Error
	return us, err
}

// FirstAdmin is the oldest admin account, the one that adopts rows made without
// accounts; ErrNotFound when there is none.
func (d *DB) FirstAdmin(ctx context.Context) (*User, error) {
	var u User
	err := d.g.WithContext(ctx).Where("admin = ?", true).Order("created_at, id").First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// SetPassword replaces an account's password hash and signs out its browsers.
func (d *DB) SetPassword(ctx context.Context, userID, hash string) error {
	return d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", userID).Update("password_hash", hash)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Where("user_id = ?", userID).Delete(&Session{}).Error
	})
}

// CreateSession records a signed-in browser.
func (d *DB) CreateSession(ctx context.Context, s *Session) error {
	return d.g.WithContext(ctx).Create(s).Error
}

// SessionUser finds the account of an unexpired session.
func (d *DB) SessionUser(ctx context.Context, tokenHash string, now time.Time) (*User, error) {
	var u User
	err := d.g.WithContext(ctx).Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.token_hash = ? AND sessions.expires_at > ?", tokenHash, now).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// DeleteSession signs a browser out; deleting a session that is gone is no error.
func (d *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return d.g.WithContext(ctx).Delete(&Session{}, "token_hash = ?", tokenHash).Error
}

// DeleteExpiredSessions clears sessions past their end.
func (d *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return d.g.WithContext(ctx).Delete(&Session{}, "expires_at <= ?", now).Error
}

// CreateAPIToken records a personal token.
func (d *DB) CreateAPIToken(ctx context.Context, t *APIToken) error {
	return d.g.WithContext(ctx).Create(t).Error
}

// APITokens lists one account's tokens, newest first.
func (d *DB) APITokens(ctx context.Context, userID string) ([]APIToken, error) {
	var ts []APIToken
	err := d.g.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id").Find(&ts).Error
	return ts, err
}

// RevokeAPIToken deletes one of userID's tokens; another account's token is
// ErrNotFound, as a missing one.
func (d *DB) RevokeAPIToken(ctx context.Context, userID, id string) error {
	res := d.g.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&APIToken{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// tokenUseGrain is how stale a token's last use may be before it is written again, so
// a busy client does not turn every read into a write.
const tokenUseGrain = time.Minute

// TokenUser finds the account of a personal token, and notes the token's use.
func (d *DB) TokenUser(ctx context.Context, tokenHash string, now time.Time) (*User, error) {
	var t APIToken
	err := d.g.WithContext(ctx).First(&t, "token_hash = ?", tokenHash).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var u User
	if err := d.g.WithContext(ctx).First(&u, "id = ?", t.UserID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > tokenUseGrain {
		// Best effort: a busy database must not refuse the request for a timestamp.
		_ = d.g.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now).Error
	}
	return &u, nil
}
