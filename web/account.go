package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
)

// userView is an account as the API shows it: never the password hash.
type userView struct {
	ID        uint64      `json:"id"`
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Role      saperi.Role `json:"role"`
	ProfileID uint64      `json:"profile_id,omitempty"`
	HubID     uint64      `json:"hub_id,omitempty"`
	Lang      string      `json:"lang,omitempty"`
	Created   time.Time   `json:"created"`
}

func viewUser(u *saperi.User) userView {
	return userView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, ProfileID: u.ProfileID,
		HubID: u.HubID, Lang: u.Lang, Created: u.Created}
}

// tokenView is an API token without its hash; Secret is set only in the
// answer that creates it.
type tokenView struct {
	ID        uint64      `json:"id"`
	Name      string      `json:"name"`
	Role      saperi.Role `json:"role"`
	HubID     uint64      `json:"hub_id,omitempty"`
	CreatedBy string      `json:"created_by"`
	Created   time.Time   `json:"created"`
	Revoked   *time.Time  `json:"revoked,omitempty"`
	Secret    string      `json:"secret,omitempty"`
}

func viewToken(t *saperi.APIToken) tokenView {
	v := tokenView{ID: t.ID, Name: t.Name, Role: t.Role, HubID: t.HubID, CreatedBy: t.CreatedBy, Created: t.Created}
	if !t.Revoked.IsZero() {
		r := t.Revoked
		v.Revoked = &r
	}
	return v
}

type loginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) apiLogin(c *gin.Context) {
	var in loginInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.login(c, in.Email, in.Password)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewUser(u))
}

func (s *Server) apiLogout(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// apiLogoutAll ends every session of the caller ("log out everywhere").
func (s *Server) apiLogoutAll(c *gin.Context) {
	p := principal(c)
	if p.UserID == 0 {
		s.fail(c, saperi.Errorf(saperi.EFORBIDDEN, "error.auth.not_user", "only a person's account has sessions"))
		return
	}
	n, err := s.Store.DeleteUserSessions(c.Request.Context(), p.UserID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.clearCookie(c)
	c.JSON(http.StatusOK, gin.H{"ended": n})
}

// me describes the caller.
func (s *Server) me(c *gin.Context) {
	p := principal(c)
	c.JSON(http.StatusOK, gin.H{"actor": p.Actor(), "name": p.Name, "role": p.Role,
		"profile_id": p.ProfileID, "hub_id": p.HubID})
}

type userInput struct {
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Role      saperi.Role `json:"role"`
	ProfileID uint64      `json:"profile_id"`
	HubID     uint64      `json:"hub_id"`
	Lang      string      `json:"lang"`
	Password  string      `json:"password"`
}

func (s *Server) createUser(c *gin.Context) {
	var in userInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	u := &saperi.User{Email: in.Email, Name: in.Name, Role: in.Role, ProfileID: in.ProfileID, HubID: in.HubID, Lang: in.Lang}
	if err := s.svc.CreateUser(c.Request.Context(), u, in.Password); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/users/"+strconv.FormatUint(u.ID, 10))
	c.JSON(http.StatusCreated, viewUser(u))
}

func (s *Server) listUsers(c *gin.Context) {
	role, err := queryEnum(c, "role", "resident", "staff", "operator", "admin")
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.svc.Users(c.Request.Context(), saperi.Role(role))
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]userView, 0, len(list))
	for _, u := range list {
		items = append(items, viewUser(u))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type tokenInput struct {
	Name  string      `json:"name"`
	Role  saperi.Role `json:"role"`
	HubID uint64      `json:"hub_id"`
}

func (s *Server) createToken(c *gin.Context) {
	var in tokenInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	t := &saperi.APIToken{Name: in.Name, Role: in.Role, HubID: in.HubID}
	secret, err := s.svc.CreateToken(c.Request.Context(), t)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := viewToken(t)
	v.Secret = secret
	c.JSON(http.StatusCreated, v)
}

func (s *Server) listTokens(c *gin.Context) {
	list, err := s.svc.Tokens(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]tokenView, 0, len(list))
	for _, t := range list {
		items = append(items, viewToken(t))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.svc.RevokeToken(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewToken(t))
}
