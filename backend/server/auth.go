package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/accounts"
	"transferlab/backend/store"
)

// Accounts turns sign-in on: every API request then acts for a person, who sees only
// their own rows and what others shared.
type Accounts struct {
	// On requires signing in; off, the server is one person's and nothing changes.
	On bool
	// SessionTTL is how long a browser stays signed in; 30 days when zero.
	SessionTTL time.Duration
	// Brake slows password guessing; five tries, then one a minute, when nil.
	Brake *accounts.Brake
}

// sessionCookie holds a browser's session secret. Only its hash is stored.
const sessionCookie = "transferlab_session"

// userKey is where identify leaves the signed-in account on the Gin context.
const userKey = "user"

// AuthAPI signs people in and out, and says who is signed in.
type AuthAPI struct {
	DB       *store.DB
	Accounts Accounts
	now      func() time.Time
}

func newAuthAPI(db *store.DB, acc Accounts) *AuthAPI {
	if acc.SessionTTL == 0 {
		acc.SessionTTL = 30 * 24 * time.Hour
	}
	if acc.Brake == nil {
		acc.Brake = accounts.NewBrake(time.Minute, 5)
	}
	return &AuthAPI{DB: db, Accounts: acc, now: func() time.Time { return time.Now().UTC() }}
}

// publicRoutes answer without signing in: what a load balancer and the sign-in page
// need. The web app's own files are public too (they hold no data), so the browser
// can show the sign-in page.
var publicRoutes = map[string]bool{
	"GET /api/health":       true,
	"HEAD /api/health":      true,
	"GET /api/openapi.json": true,
	"POST /api/auth/login":  true,
	"GET /api/auth/me":      true,
	"POST /api/auth/logout": true,
}

// identify finds who a request acts for: a personal token in `Authorization: Bearer`,
// or the session cookie. It puts them in the request's context, where the store's
// queries and the access checks read them.
func (a *AuthAPI) identify() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !a.Accounts.On {
			c.Next()
			return
		}
		u, err := a.userOf(c)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			fail(c, err)
			return
		}
		if u != nil {
			c.Set(userKey, u)
			c.Request = c.Request.WithContext(store.WithViewer(c.Request.Context(), store.Viewer{UserID: u.ID}))
			c.Next()
			return
		}
		if c.GetHeader("Authorization") != "" {
			writeError(c, newError(http.StatusUnauthorized, "invalid_token",
				"This token is unknown or was revoked: create a new one under Settings in the web app, and send it as `Authorization: Bearer <token>`."))
			return
		}
		p := c.Request.URL.Path
		if publicRoutes[c.Request.Method+" "+p] || (!strings.HasPrefix(p, "/api/") && p != "/api" && p != "/metrics") {
			c.Next()
			return
		}
		writeError(c, newError(http.StatusUnauthorized, "sign_in_required",
			"Sign in first: open the web app and sign in, or send a personal token as `Authorization: Bearer <token>` (create one under Settings)."))
	}
}

func (a *AuthAPI) userOf(c *gin.Context) (*store.User, error) {
	ctx, now := c.Request.Context(), a.now()
	if h := c.GetHeader("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(secret, accounts.TokenPrefix) {
			return nil, store.ErrNotFound
		}
		return a.DB.TokenUser(ctx, accounts.HashSecret(secret), now)
	}
	ck, err := c.Request.Cookie(sessionCookie)
	if err != nil || !strings.HasPrefix(ck.Value, accounts.SessionPrefix) {
		return nil, store.ErrNotFound
	}
	return a.DB.SessionUser(ctx, accounts.HashSecret(ck.Value), now)
}

// UserView is an account as the API shows it; never its password hash.
type UserView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Admin     bool      `json:"admin"`
	CreatedAt time.Time `json:"created_at"`
}

func userViewOf(u *store.User) UserView {
	return UserView{ID: u.ID, Name: u.Name, Admin: u.Admin, CreatedAt: u.CreatedAt}
}

// MeView says whether the server has accounts and who is signed in (null when no one
// is, or when accounts are off).
type MeView struct {
	Auth bool      `json:"auth"`
	User *UserView `json:"user"`
}

func (a *AuthAPI) me(c *gin.Context) {
	v := MeView{Auth: a.Accounts.On}
	if u, ok := signedIn(c); ok {
		uv := userViewOf(u)
		v.User = &uv
	}
	c.JSON(http.StatusOK, v)
}

func signedIn(c *gin.Context) (*store.User, bool) {
	u, ok := c.Get(userKey)
	if !ok {
		return nil, false
	}
	return u.(*store.User), true
}

// LoginRequest is the body of POST /api/auth/login.
type LoginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (a *AuthAPI) login(c *gin.Context) {
	if !a.Accounts.On {
		writeError(c, accountsOff())
		return
	}
	var body LoginRequest
	if err := decodeJSON(c, &body, `{"name": "...", "password": "..."}`); err != nil {
		fail(c, err)
		return
	}
	ctx, now := c.Request.Context(), a.now()
	// Guesses are braked per client address and per account name, so neither one
	// address trying many names nor many addresses trying one name gets far.
	keys := []string{"ip:" + c.ClientIP(), "name:" + store.FoldName(body.Name)}
	if wait := a.Accounts.Brake.Wait(now, keys...); wait > 0 {
		secs := int(wait/time.Second) + 1
		c.Header("Retry-After", strconv.Itoa(secs))
		writeError(c, newError(http.StatusTooManyRequests, "too_many_tries",
			"Too many wrong passwords: wait "+strconv.Itoa(secs)+" seconds before trying again."))
		return
	}
	u, err := a.DB.UserByName(ctx, body.Name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		fail(c, err)
		return
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	// An unknown name does the same work as a wrong password and gets the same answer.
	if !accounts.CheckPassword(hash, body.Password) {
		a.Accounts.Brake.Failed(now, keys...)
		writeError(c, newError(http.StatusUnauthorized, "wrong_password",
			"The name or the password is wrong. Check both and try again; an admin can set a new password with `transferlab user passwd`."))
		return
	}
	secret, hashed := accounts.NewSecret(accounts.SessionPrefix)
	s := &store.Session{TokenHash: hashed, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(a.Accounts.SessionTTL)}
	if err := a.DB.CreateSession(ctx, s); err != nil {
		fail(c, err)
		return
	}
	http.SetCookie(c.Writer, a.cookie(c, secret, int(a.Accounts.SessionTTL/time.Second)))
	uv := userViewOf(u)
	c.JSON(http.StatusOK, MeView{Auth: true, User: &uv})
}

// cookie is the session cookie: out of reach of scripts (HttpOnly), sent on top-level
// links from other sites but never on their requests (SameSite=Lax), and only over
// https when the server is reached by https.
func (a *AuthAPI) cookie(c *gin.Context, value string, maxAge int) *http.Cookie {
	r := c.Request
	return &http.Cookie{Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")}
}

func (a *AuthAPI) logout(c *gin.Context) {
	if ck, err := c.Request.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := a.DB.DeleteSession(c.Request.Context(), accounts.HashSecret(ck.Value)); err != nil {
			fail(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, a.cookie(c, "", -1))
	c.Status(http.StatusNoContent)
}

func accountsOff() *apiError {
	return newError(http.StatusConflict, "accounts_off",
		"This server runs without accounts (no --auth): there is no one to sign in as, and the app is open to whoever reaches it.")
}

// registerAccounts adds the routes of signing in, personal tokens and accounts. They
// exist with accounts off too, and say so.
func registerAccounts(api *gin.RouterGroup, auth *AuthAPI) {
	authGroup := api.Group("/auth")
	authGroup.GET("/me", auth.me)
	authGroup.POST("/login", auth.login)
	authGroup.POST("/logout", auth.logout)
	tokens := &TokenAPI{Auth: auth}
	tokenGroup := api.Group("/tokens", withResource("token"))
	tokenGroup.GET("", tokens.list)
	tokenGroup.POST("", tokens.create)
	tokenGroup.DELETE("/:id", tokens.revoke)
	users := &UserAPI{Auth: auth}
	userGroup := api.Group("/users", withResource("user"))
	userGroup.GET("", users.list)
	userGroup.POST("", users.create)
}
