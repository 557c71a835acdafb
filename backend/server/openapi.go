package server

import _ "embed"

// openAPIDoc is the OpenAPI 3 description of every route New registers. When a route
// is added, describe it here too: TestOpenAPIDescribesEveryRoute names what is missing.
//
//go:embed openapi.json
var openAPIDoc []byte
