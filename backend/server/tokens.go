package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/accounts"
	"transferlab/backend/names"
	"transferlab/backend/store"
)

// TokenAPI lets a signed-in person make, list and revoke personal tokens for API
// clients. A token's secret is shown once, when it is made; only its hash is kept.
type TokenAPI struct {
	Auth *AuthAPI
}

// TokenView is a personal token as listed: never its secret.
type TokenView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// TokenList is GET /api/tokens: the signed-in person's tokens.
type TokenList struct {
	Tokens []TokenView `json:"tokens"`
}

// NewTokenView is a token just made, with its secret: the only time it is shown.
type NewTokenView struct {
	Token  TokenView `json:"token"`
	Secret string    `json:"secret"`
}

// TokenRequest is the body of POST /api/tokens.
type TokenRequest struct {
	Name string `json:"name"`
}

// maxTokens bounds the tokens one account keeps; maxTokenNameLen is the longest name,
// in characters, of one.
const (
	maxTokens       = 50
	maxTokenNameLen = 100
)

func (a *TokenAPI) user(c *gin.Context) (*store.User, bool) {
	if !a.Auth.Accounts.On {
		writeError(c, accountsOff())
		return nil, false
	}
	u, ok := signedIn(c)
	if !ok {
		writeError(c, newError(http.StatusUnauthorized, "sign_in_required", "Sign in to manage your tokens."))
	}
	return u, ok
}

func (a *TokenAPI) list(c *gin.Context) {
	u, ok := a.user(c)
	if !ok {
		return
	}
	ts, err := a.Auth.DB.APITokens(c.Request.Context(), u.ID)
	if err != nil {
		fail(c, err)
		return
	}
	out := []TokenView{}
	for i := range ts {
		out = append(out, tokenViewOf(&ts[i]))
	}
	c.JSON(http.StatusOK, TokenList{Tokens: out})
}

func tokenViewOf(t *store.APIToken) TokenView {
	return TokenView{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

func (a *TokenAPI) create(c *gin.Context) {
	u, ok := a.user(c)
	if !ok {
		return
	}
	var body TokenRequest
	if err := decodeJSON(c, &body, `{"name": "what the token is for"}`); err != nil {
		fail(c, err)
		return
	}
	name, err := names.Check("the token name", body.Name, maxTokenNameLen)
	if err != nil {
		writeError(c, newError(http.StatusBadRequest, "bad_name", capitalize(err.Error())+
			". Name the token after what will use it (1 to 100 letters, digits, spaces and punctuation), such as \"notebook\"."))
		return
	}
	ctx := c.Request.Context()
	ts, err := a.Auth.DB.APITokens(ctx, u.ID)
	if err != nil {
		fail(c, err)
		return
	}
	if len(ts) >= maxTokens {
		writeError(c, newError(http.StatusConflict, "too_many_tokens", "You have 50 tokens already: revoke ones you no longer use first."))
		return
	}
	secret, hash := accounts.NewSecret(accounts.TokenPrefix)
	t := &store.APIToken{ID: store.NewID("tok"), UserID: u.ID, Name: name, TokenHash: hash, CreatedAt: a.Auth.now()}
	if err := a.Auth.DB.CreateAPIToken(ctx, t); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, NewTokenView{Token: tokenViewOf(t), Secret: secret})
}

func (a *TokenAPI) revoke(c *gin.Context) {
	u, ok := a.user(c)
	if !ok {
		return
	}
	if err := a.Auth.DB.RevokeAPIToken(c.Request.Context(), u.ID, c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
