package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/service"
	"github.com/saperi/saperi/sheet"
)

// hubStore is what the spreadsheet and statistics use cases read and
// write, besides the rest of Store.
type hubStore interface {
	service.ImportStore
	service.ExportStore
	service.StatsStore
}

// sheetJobs holds the imports the pages run: uploads waiting for the
// operator to confirm the preview, and imports running or done, whose
// progress the job page shows. In memory only: a restart forgets them,
// and importing the same file again is harmless (nothing twice).
type sheetJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

// importJob is one upload, from preview to done.
type importJob struct {
	ID      string
	Owner   uint64 // user (or token) who uploaded: only they see it
	Files   []service.ImportFile
	Options service.ImportOptions
	Created time.Time

	mu      sync.Mutex
	Started bool
	Done    int
	Total   int
	Report  *service.ImportReport
	Err     error
	Ended   bool
}

// jobTTL is how long an upload or a finished job is kept.
const jobTTL = time.Hour

func (j *sheetJobs) add(job *importJob, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jobs == nil {
		j.jobs = map[string]*importJob{}
	}
	for id, old := range j.jobs {
		if now.Sub(old.Created) > jobTTL {
			delete(j.jobs, id)
		}
	}
	j.jobs[job.ID] = job
}

func (j *sheetJobs) get(id string, owner uint64) *importJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := j.jobs[id]
	if job == nil || job.Owner != owner {
		return nil
	}
	return job
}

func ownerOf(p saperi.Principal) uint64 {
	if p.TokenID != 0 {
		return 1<<63 | p.TokenID
	}
	return p.UserID
}

// readUploads reads the files of a multipart form (field "file"), or the
// body itself when it is not a form.
func readUploads(c *gin.Context) ([]service.ImportFile, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 2*sheet.MaxSize)
	ct := c.ContentType()
	if ct != "multipart/form-data" {
		t, err := sheet.Read(c.Request.Body)
		if err != nil {
			return nil, uploadError(err)
		}
		name := c.Query("name")
		if name == "" {
			name = "file"
		}
		return []service.ImportFile{{Name: name, Table: t}}, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, uploadError(err)
	}
	var files []service.ImportFile
	for _, fh := range form.File["file"] {
		t, err := readPart(fh)
		if err != nil {
			return nil, err
		}
		files = append(files, service.ImportFile{Name: fh.Filename, Table: t})
	}
	if len(files) == 0 {
		return nil, saperi.Invalid("file", "error.required", "file is required")
	}
	return files, nil
}

func readPart(fh *multipart.FileHeader) (*sheet.Table, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := sheet.Read(f)
	if err != nil {
		return nil, uploadError(err)
	}
	return t, nil
}

// uploadError turns a file that cannot be read into an error the person
// can act on.
func uploadError(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, sheet.ErrTooLarge) || errors.As(err, &mbe):
		return &saperi.Error{Code: saperi.ETOOLARGE, Key: "error.import.too_large", Field: "file", Message: "the file is too large"}
	case errors.Is(err, sheet.ErrEmpty):
		return saperi.Invalid("file", "error.import.empty", "the file has no header row")
	}
	reason := strings.TrimPrefix(err.Error(), "sheet: ")
	return &saperi.Error{Code: saperi.EINVALID, Key: "error.import.file", Field: "file", Args: map[string]any{"Reason": truncate(reason, 200)},
		Message: "the file cannot be read: " + truncate(reason, 200)}
}

// importOptions reads hub, dry_run, skip_invalid and map (column=field,
// repeatable) from a query or form.
func importOptions(get func(string) string, all func(string) []string) (service.ImportOptions, error) {
	var o service.ImportOptions
	if h := get("hub"); h != "" {
		n, err := strconv.ParseUint(h, 10, 64)
		if err != nil {
			return o, saperi.Invalid("hub", "error.param.id", "hub must be a positive number")
		}
		o.HubID = n
	}
	o.DryRun = get("dry_run") == "true" || get("dry_run") == "1"
	o.SkipInvalid = get("skip_invalid") == "true" || get("skip_invalid") == "1" || get("skip_invalid") == "on"
	for _, m := range all("map") {
		for _, line := range strings.Split(m, "\n") {
			col, field, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(col) == "" {
				continue
			}
			if o.Map == nil {
				o.Map = map[string]string{}
			}
			o.Map[strings.TrimSpace(col)] = strings.TrimSpace(field)
		}
	}
	return o, nil
}

// importHub is the hub of an import: the one asked for, or the
// operator's own.
func importHub(p saperi.Principal, asked uint64) uint64 {
	if asked == 0 {
		return p.HubID
	}
	return asked
}

// createImport is POST /api/v1/imports: a CSV or XLSX body (or multipart
// "file" parts, people first) imported into ?hub=N; ?dry_run=true only
// checks. The answer is the report, problems in the caller's language.
func (s *Server) createImport(c *gin.Context) {
	opt, err := importOptions(c.Query, c.QueryArray)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := principal(c)
	opt.HubID = importHub(p, opt.HubID)
	if !s.allow(c, saperi.Create, saperi.Resource{Kind: saperi.ResProfile, HubID: opt.HubID}) {
		return
	}
	files, err := readUploads(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := service.Import(c.Request.Context(), s.Store, p, files, opt, s.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	r.Translate(loc(c))
	status := http.StatusOK
	if r.Written {
		status = http.StatusCreated
	} else if len(r.Problems) > 0 && !r.DryRun {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, r)
}

// exportSheet is GET /api/v1/exports/{people|postings|matches}: a file in
// the caller's permissions (service.Export).
func (s *Server) exportSheet(c *gin.Context) {
	format := c.DefaultQuery("format", sheet.CSV)
	var hub uint64
	if h := c.Query("hub"); h != "" {
		n, err := strconv.ParseUint(h, 10, 64)
		if err != nil {
			s.fail(c, saperi.Invalid("hub", "error.param.id", "hub must be a positive number"))
			return
		}
		hub = n
	}
	p := principal(c)
	what := c.Param("what")
	hubID, err := service.ExportHub(p, hub)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Build the file first: an error after the headers could only break
	// the connection.
	var buf bytes.Buffer
	now := s.Now()
	if _, err := service.Export(c.Request.Context(), s.Store, p, service.ExportOptions{What: what, Format: format, HubID: hubID, Now: now}, &buf); err != nil {
		s.fail(c, err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == sheet.XLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, service.ExportName(what, format, hubID, now)))
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

// importPageData is what the import pages show.
type importPageData struct {
	Hub  *saperi.Hub
	Hubs []*saperi.Hub
	// JobID names the upload; SkipInvalid and Ended are copied from it
	// (a running job changes under its lock, never while a page renders).
	JobID       string
	SkipInvalid bool
	Ended       bool
	Report      *service.ImportReport
	Fields      []string
	// Percent of the job done, for the progress bar.
	Percent int
}

// importPage shows the upload form and the export buttons.
func (s *Server) importPage(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	d := importPageData{Hub: h, Fields: service.ImportFields}
	if principal(c).Role == saperi.RoleAdmin {
		d.Hubs, _ = s.Store.Hubs(c.Request.Context())
	}
	s.render(c, http.StatusOK, "import", "ui.import.title", view{Data: d})
}

// importPreview is POST /desk/import: the upload, checked (a dry run);
// the page shows the report and, when something can be imported, a
// button to confirm.
func (s *Server) importPreview(c *gin.Context) {
	h := s.deskHub(c)
	if h == nil {
		return
	}
	p := principal(c)
	opt, err := importOptions(c.PostForm, c.PostFormArray)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	opt.HubID = h.ID
	files, err := readUploads(c)
	if err == nil {
		var r *service.ImportReport
		dry := opt
		dry.DryRun = true
		r, err = service.Import(c.Request.Context(), s.Store, p, files, dry, s.Now())
		if err == nil {
			r.Translate(loc(c))
			job := &importJob{ID: newJobID(), Owner: ownerOf(p), Files: files, Options: opt, Created: s.Now(), Report: r}
			s.jobs.add(job, s.Now())
			s.render(c, http.StatusOK, "import", "ui.import.preview_title", view{Data: importPageData{Hub: h, JobID: job.ID,
				SkipInvalid: opt.SkipInvalid, Report: r, Fields: service.ImportFields}})
			return
		}
	}
	v := view{Data: importPageData{Hub: h, Fields: service.ImportFields}}
	v.Errors, v.Error = fieldErrors(loc(c), err)
	if v.Error == "" && v.Errors == nil {
		s.pageFail(c, err)
		return
	}
	if v.Errors != nil {
		v.Error = v.Errors["file"]
	}
	s.render(c, saperiStatus(err), "import", "ui.import.title", v)
}

func saperiStatus(err error) int { return status(saperi.ErrorCode(err)) }

// importConfirm starts the previewed import in the background and sends
// the operator to its progress page.
func (s *Server) importConfirm(c *gin.Context) {
	p := principal(c)
	job := s.jobs.get(c.Param("id"), ownerOf(p))
	if job == nil {
		s.pageFail(c, &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.import.pending", Message: "the preview has expired: upload the file again"})
		return
	}
	job.mu.Lock()
	started := job.Started
	job.Started = true
	job.mu.Unlock()
	if !started {
		// The import outlives the request (the page polls); it stops only
		// when the server does.
		ctx := context.WithoutCancel(c.Request.Context())
		opt := job.Options
		opt.Progress = func(done, total int) {
			job.mu.Lock()
			job.Done, job.Total = done, total
			job.mu.Unlock()
		}
		l := loc(c)
		go func() {
			r, err := service.Import(ctx, s.Store, p, job.Files, opt, s.Now())
			if err != nil {
				s.log.ErrorContext(ctx, "import failed", "err", err, "hub", opt.HubID)
			} else {
				r.Translate(l)
			}
			job.mu.Lock()
			job.Report, job.Err, job.Ended, job.Files = r, err, true, nil
			job.mu.Unlock()
		}()
	}
	c.Redirect(http.StatusSeeOther, "/desk/import/"+job.ID)
}

// importProgress shows a running import's progress bar (the page reloads
// itself every second, no script needed) and then its result.
func (s *Server) importProgress(c *gin.Context) {
	p := principal(c)
	job := s.jobs.get(c.Param("id"), ownerOf(p))
	if job == nil {
		s.pageFail(c, &saperi.Error{Code: saperi.ENOTFOUND, Key: "error.import.pending", Message: "the preview has expired: upload the file again"})
		return
	}
	h, err := s.Store.Hub(c.Request.Context(), job.Options.HubID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	job.mu.Lock()
	d := importPageData{Hub: h, JobID: job.ID, Ended: job.Ended, Report: job.Report, Fields: service.ImportFields}
	if job.Total > 0 {
		d.Percent = job.Done * 100 / job.Total
	}
	ended, jerr := job.Ended, job.Err
	job.mu.Unlock()
	v := view{Data: d}
	if ended && jerr != nil {
		v.Error, _ = problemText(c, jerr)
	}
	if !ended {
		c.Header("Refresh", "1")
	}
	s.render(c, http.StatusOK, "import_job", "ui.import.progress_title", v)
}

// problemText translates an error for a page; internal errors are
// logged and shown as such.
func problemText(c *gin.Context, err error) (string, bool) {
	l := loc(c)
	if e := saperi.AsError(err); e != nil {
		return l.T(e.Key, e.Args, e.Message), true
	}
	return l.T("error.internal", map[string]any{"RequestID": c.GetString(requestIDKey)}, "internal error"), false
}

func newJobID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// hubRoutes registers the routes of running a network of hubs:
// spreadsheets in and out (here), statistics and reports (stats.go).
func (s *Server) hubRoutes() {
	api := s.engine.Group("/api/v1", s.requireLogin)
	api.POST("/imports", s.createImport)
	api.GET("/exports/:what", s.exportSheet)

	ui := s.engine.Group("", s.signedIn)
	ui.GET("/desk/import", s.importPage)
	ui.POST("/desk/import", s.importPreview)
	ui.POST("/desk/import/:id", s.importConfirm)
	ui.GET("/desk/import/:id", s.importProgress)
	s.statsRoutes()
}
