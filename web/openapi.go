package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"
)

// openapiFS holds the API's OpenAPI 3.1 document in fragments, one per
// feature: core.json carries the info block, the others add paths and
// component schemas. openapi_test.go keeps the merged document true to the
// routes and to what the handlers answer.
//
//go:embed openapi/*.json
var openapiFS embed.FS

// mergeOpenAPI merges the fragments in name order (core.json first); a
// path or schema defined twice is an error.
func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "openapi/core.json") != (names[j] == "openapi/core.json") {
			return names[i] == "openapi/core.json"
		}
		return names[i] < names[j]
	})
	var doc map[string]any
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var frag map[string]any
		if err := json.Unmarshal(raw, &frag); err != nil {
			return nil, fmt.Errorf("web: %s: %w", name, err)
		}
		if doc == nil {
			doc = frag
			continue
		}
		if err := mergePaths(doc, frag, name); err != nil {
			return nil, err
		}
		dc, _ := doc["components"].(map[string]any)
		fc, _ := frag["components"].(map[string]any)
		if fc != nil {
			if err := mergeSection(dc, fc, name, "schemas"); err != nil {
				return nil, err
			}
		}
	}
	return json.MarshalIndent(doc, "", " ")
}

// mergePaths adds the fragment's operations; a fragment may add methods
// to a path another one has (PATCH /hubs/{id} next to GET), but not
// define the same operation twice.
func mergePaths(doc, frag map[string]any, name string) error {
	src, _ := frag["paths"].(map[string]any)
	dst, _ := doc["paths"].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		doc["paths"] = dst
	}
	for path, v := range src {
		ops, _ := v.(map[string]any)
		have, _ := dst[path].(map[string]any)
		if have == nil {
			dst[path] = ops
			continue
		}
		for m, op := range ops {
			if _, dup := have[m]; dup {
				return fmt.Errorf("web: %s defines %s %s again", name, m, path)
			}
			have[m] = op
		}
	}
	return nil
}

func mergeSection(dst, src map[string]any, name, key string) error {
	s, _ := src[key].(map[string]any)
	if len(s) == 0 {
		return nil
	}
	d, _ := dst[key].(map[string]any)
	if d == nil {
		d = map[string]any{}
		dst[key] = d
	}
	for k, v := range s {
		if _, dup := d[k]; dup {
			return fmt.Errorf("web: %s defines %s %q again", name, key, k)
		}
		d[k] = v
	}
	return nil
}

func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.apiDoc)
}
