package server

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// Guard is who may talk to the server: the host names a browser may reach it by, and
// the access token every request must carry when one is set.
type Guard struct {
	// AllowedHosts are public names (no port) the server is reached by, besides IP
	// addresses and localhost, which are always allowed.
	AllowedHosts []string
	// Token, when set, is required on every request: `Authorization: Bearer <token>`,
	// or the cookie a browser gets by opening any page with ?access_token=<token>.
	Token string
}

// tokenCookie carries the access token for the browser app, whose websocket cannot set
// an Authorization header.
const tokenCookie = "transferlab_token"

// contentSecurityPolicy fits the built app: one module script and one stylesheet from
// this origin, no inline script or style, thumbnails as blob: or data: URLs, the API and
// the websocket on this origin, and no framing by other sites.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// guard runs before every route. A DNS-rebinding page reaches the server under a name
// it controls, so only known host names get through; a page on another site may read
// nothing it was not meant to and change nothing, whatever form or fetch mode it uses.
func (g Guard) middleware() gin.HandlerFunc {
	allowed := g.hosts()
	cross := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		r := c.Request
		if !hostAllowed(r.Host, allowed) {
			writeError(c, newError(http.StatusMisdirectedRequest, "unknown_host",
				"This server does not answer to the host name "+quoteHost(r.Host)+
					"; open it by its IP address or localhost, or start it with --allowed-hosts naming this host."))
			return
		}
		if err := cross.Check(r); err != nil {
			writeError(c, newError(http.StatusForbidden, "cross_origin",
				"Requests that change something must come from this app's own pages, not from another site."))
			return
		}
		if g.Token != "" && !g.authorized(c) {
			writeError(c, newError(http.StatusUnauthorized, "unauthorized",
				"This server needs its access token: send `Authorization: Bearer <token>`, or open the app once with ?access_token=<token>."))
			return
		}
		c.Next()
	}
}

// authorized checks the token in the Authorization header or the cookie; a page opened
// with ?access_token= gets the cookie and is sent to the same address without it, so the
// token does not stay in the address bar or the history.
func (g Guard) authorized(c *gin.Context) bool {
	r := c.Request
	if auth := r.Header.Get("Authorization"); auth != "" {
		given, ok := strings.CutPrefix(auth, "Bearer ")
		return ok && sameToken(given, g.Token)
	}
	if ck, err := r.Cookie(tokenCookie); err == nil && sameToken(ck.Value, g.Token) {
		return true
	}
	q := r.URL.Query()
	if given := q.Get("access_token"); given != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && sameToken(given, g.Token) {
		http.SetCookie(c.Writer, &http.Cookie{Name: tokenCookie, Value: g.Token, Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		q.Del("access_token")
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		c.Redirect(http.StatusSeeOther, u.String())
		c.Abort()
		return true
	}
	return false
}

func (g Guard) hosts() map[string]bool {
	allowed := map[string]bool{}
	for _, h := range g.AllowedHosts {
		if h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), ".")); h != "" {
			allowed[h] = true
		}
	}
	return allowed
}

func sameToken(given, want string) bool {
	return subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1
}

// hostAllowed accepts IP addresses (a rebinding page cannot make a browser send one
// that is not its own origin), localhost names, and the configured public names.
func hostAllowed(hostport string, allowed map[string]bool) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" {
		return false
	}
	if net.ParseIP(host) != nil || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	return allowed[host]
}

// quoteHost keeps a hostile Host header short and printable in the message.
func quoteHost(h string) string {
	if len(h) > 64 {
		h = h[:64] + "…"
	}
	return strings.ToValidUTF8(`"`+h+`"`, "?")
}

// originAllowed is the websocket's origin check: no Origin (not a browser), or an
// http(s) origin whose host is allowed and is the host the request was sent to, so a
// page on another port or scheme of the same machine may not watch either.
func (g Guard) originAllowed() func(r *http.Request) bool {
	allowed := g.hosts()
	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true
		}
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return false
		}
		want := "http"
		if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			want = "https"
		}
		return u.Scheme == want && strings.EqualFold(u.Host, r.Host) && hostAllowed(u.Host, allowed)
	}
}
