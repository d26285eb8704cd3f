package web

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi/locale"
)

const localizerKey = "saperi.localizer"

// localize picks the reader's language: ?lang=, then the language they
// switched to (a cookie), then their account's (authenticate), then
// Accept-Language.
func (s *Server) localize(c *gin.Context) {
	chosen, _ := c.Cookie(langCookie)
	c.Set(localizerKey, s.catalog.For(strings.TrimSpace(c.Query("lang")), chosen, c.GetHeader("Accept-Language")))
	c.Next()
}

func loc(c *gin.Context) *locale.Localizer {
	if v, ok := c.Get(localizerKey); ok {
		return v.(*locale.Localizer)
	}
	return nil
}
