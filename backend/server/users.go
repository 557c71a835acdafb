package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/accounts"
	"transferlab/backend/store"
)

// UserAPI lets an admin list the accounts and add people, so a team grows without a
// shell on the server.
type UserAPI struct {
	Auth *AuthAPI
}

// NewUserRequest is the body of POST /api/users.
type NewUserRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Admin    bool   `json:"admin"`
}

func (a *UserAPI) admin(c *gin.Context) bool {
	if !a.Auth.Accounts.On {
		writeError(c, accountsOff())
		return false
	}
	if u, ok := signedIn(c); !ok || !u.Admin {
		writeError(c, newError(http.StatusForbidden, "admin_only", "Only an admin may list or add accounts."))
		return false
	}
	return true
}

func (a *UserAPI) list(c *gin.Context) {
	if !a.admin(c) {
		return
	}
	us, err := a.Auth.DB.Users(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := []UserView{}
	for i := range us {
		out = append(out, userViewOf(&us[i]))
	}
	c.JSON(http.StatusOK, gin.H{"users": out})
}

func (a *UserAPI) create(c *gin.Context) {
	if !a.admin(c) {
		return
	}
	var body NewUserRequest
	if err := decodeJSON(c, &body, `{"name": "...", "password": "...", "admin": false}`); err != nil {
		fail(c, err)
		return
	}
	u, err := NewUser(body.Name, body.Password, body.Admin)
	if err != nil {
		fail(c, err)
		return
	}
	if err := a.Auth.DB.CreateUser(c.Request.Context(), u); err != nil {
		if errors.Is(err, store.ErrNameTaken) {
			writeError(c, newError(http.StatusConflict, "name_taken", "An account named "+quoteHost(u.Name)+" exists already: pick another name."))
			return
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, userViewOf(u))
}

// NewUser checks a name and password and makes the account's row, password hashed; the
// command line's `user add` makes accounts through it too.
func NewUser(name, password string, admin bool) (*store.User, error) {
	name = store.FoldName(name)
	if !validUserName(name) {
		return nil, newError(http.StatusBadRequest, "bad_name",
			"A user name is 1 to 64 letters, digits, dots, dashes or underscores, such as \"ada\".")
	}
	hash, err := accounts.HashPassword(password)
	if errors.Is(err, accounts.ErrPasswordShort) {
		return nil, newError(http.StatusBadRequest, "password_too_short", "The password is too short: "+err.Error()+".")
	}
	if err != nil {
		return nil, err
	}
	return &store.User{Name: name, PasswordHash: hash, Admin: admin}, nil
}

func validUserName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}
