package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/store"
)

// Owned says whose a dataset, experiment or model is: OwnerID is the account that made
// it (empty for built-ins, zoo models and anything made without accounts), and Shared
// shows it to everyone on the server.
type Owned struct {
	OwnerID string `json:"owner_id"`
	Shared  bool   `json:"shared"`
}

// readsOnly are routes that change nothing although they are not GETs, so anyone who
// may see the row may use them.
var readsOnly = map[string]bool{
	"/api/models/:id/predict": true,
}

// ownedBy guards every route of a group whose :id names a row of kind, so a route added
// to the group is guarded without a line of its own. With accounts on, a row the
// signed-in person may not see answers 404, exactly like a missing one (its existence
// is not theirs to learn), and a change to one they may see but do not own (shared
// with them, or shipped with the server) answers 403. Without accounts there is no
// viewer and everything passes. Reads under other routes are limited by the store
// itself (store/owners.go).
func ownedBy(db *store.DB, kind store.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.Param("id")
		if _, ok := store.ViewerOf(c.Request.Context()); !ok || id == "" || db == nil {
			c.Next()
			return
		}
		owned, err := db.Access(c.Request.Context(), kind, id)
		if err != nil {
			fail(c, err)
			return
		}
		if !owned && changes(c) {
			writeError(c, notOwner(c))
			return
		}
		c.Next()
	}
}

func changes(c *gin.Context) bool {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return !readsOnly[c.FullPath()]
}

func notOwner(c *gin.Context) *apiError {
	return newError(http.StatusForbidden, "not_owner",
		"This "+resourceName(c)+" is shared with you or ships with the server: only its owner may change or delete it. Make your own copy to change it.")
}

// SharingAPI turns a row's sharing with everyone on the server on and off.
type SharingAPI struct {
	DB   *store.DB
	Kind store.Kind
}

type sharedBody struct {
	Shared *bool `json:"shared"`
}

func (a *SharingAPI) set(c *gin.Context) {
	var body sharedBody
	if err := decodeJSON(c, &body, `{"shared": true} or {"shared": false}`); err != nil {
		fail(c, err)
		return
	}
	if body.Shared == nil {
		writeError(c, newError(http.StatusBadRequest, "shared_missing",
			`Send {"shared": true} to show it to everyone on this server, or {"shared": false} to keep it to yourself.`))
		return
	}
	err := a.DB.SetShared(c.Request.Context(), a.Kind, c.Param("id"), *body.Shared)
	if errors.Is(err, store.ErrNotOwner) {
		writeError(c, notOwner(c))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"shared": *body.Shared})
}
