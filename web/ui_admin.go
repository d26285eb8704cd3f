package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/saperi/saperi"

	"github.com/gin-gonic/gin"
)

type adminData struct {
	Hubs       []*saperi.Hub
	Categories []saperi.Category
	Operators  []*saperi.User
	Tokens     []*saperi.APIToken
	NewToken   string
	// HubNames names the operators' hubs.
	HubNames map[uint64]string
}

// adminPage is the coordinator's page: hubs (and whether they share with
// their neighbours), the category list, operators and API tokens.
func (s *Server) adminPage(c *gin.Context) {
	s.adminRender(c, http.StatusOK, view{})
}

func (s *Server) adminRender(c *gin.Context, status int, v view) {
	if !s.pageAllow(c, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}) {
		return
	}
	ctx := c.Request.Context()
	var d adminData
	if nd, ok := v.Data.(adminData); ok {
		d.NewToken = nd.NewToken
	}
	var err error
	if d.Hubs, err = s.Store.Hubs(ctx); err == nil {
		if d.Categories, err = s.Store.Categories(ctx); err == nil {
			if d.Operators, err = s.svc.Users(ctx, saperi.RoleOperator); err == nil {
				d.Tokens, err = s.svc.Tokens(ctx)
			}
		}
	}
	if err == nil {
		d.HubNames, err = s.svc.HubNames(ctx)
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v.Data = d
	s.render(c, status, "admin", "ui.admin.title", v)
}

func (s *Server) adminFormError(c *gin.Context, form url.Values, err error) {
	if saperi.AsError(err) == nil {
		s.pageFail(c, err)
		return
	}
	errs, msg := fieldErrors(loc(c), err)
	if msg == "" || errs != nil {
		for _, m := range errs {
			msg = m
		}
	}
	s.adminRender(c, http.StatusBadRequest, view{Form: form, Error: msg})
}

func (s *Server) adminHubSubmit(c *gin.Context) {
	if !s.pageAllow(c, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}) {
		return
	}
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	var err error
	if id := formID(c, "id"); id != 0 {
		share := form.Get("share") == "yes"
		_, err = s.svc.UpdateHub(ctx, id, func(h *saperi.Hub) error {
			h.ShareWithNeighbors = share
			return nil
		})
	} else {
		h := &saperi.Hub{Name: form.Get("name"), Area: form.Get("area")}
		err = s.svc.CreateHub(ctx, h)
	}
	if err != nil {
		s.adminFormError(c, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin?ok=ui.flash.saved")
}

func (s *Server) adminCategorySubmit(c *gin.Context) {
	if !s.pageAllow(c, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}) {
		return
	}
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	var err error
	if form.Get("rename") == "yes" {
		_, err = s.svc.RenameCategory(ctx, form.Get("id"), strings.TrimSpace(form.Get("name")), strings.TrimSpace(form.Get("name_en")))
	} else {
		err = s.svc.CreateCategory(ctx, saperi.Category{ID: strings.TrimSpace(form.Get("id")),
			Name: strings.TrimSpace(form.Get("name")), En: strings.TrimSpace(form.Get("name_en"))})
	}
	if err != nil {
		s.adminFormError(c, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin?ok=ui.flash.saved")
}

func (s *Server) adminOperatorSubmit(c *gin.Context) {
	if !s.pageAllow(c, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}) {
		return
	}
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	u := &saperi.User{Email: form.Get("email"), Name: form.Get("name"), Role: saperi.RoleOperator, HubID: formID(c, "hub_id")}
	if err := s.svc.CreateUser(c.Request.Context(), u, form.Get("password")); err != nil {
		form.Del("password")
		s.adminFormError(c, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin?ok=ui.flash.saved")
}

func (s *Server) adminTokenSubmit(c *gin.Context) {
	if !s.pageAllow(c, saperi.Manage, saperi.Resource{Kind: saperi.ResAdmin}) {
		return
	}
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	if id := formID(c, "revoke"); id != 0 {
		if _, err := s.svc.RevokeToken(ctx, id); err != nil {
			s.adminFormError(c, form, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/admin?ok=ui.flash.saved")
		return
	}
	secret, err := s.svc.CreateToken(ctx, &saperi.APIToken{Name: form.Get("name"), Role: saperi.RoleAdmin})
	if err != nil {
		s.adminFormError(c, form, err)
		return
	}
	s.adminRender(c, http.StatusOK, view{Data: adminData{NewToken: secret}})
}
