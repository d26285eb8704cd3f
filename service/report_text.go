package service

import (
	"github.com/saperi/saperi/locale"
)

// ProblemText writes p in l's language, as a person reads it:
// "riga 14, colonna telefono: «333-12» non è un numero di telefono".
func ProblemText(l *locale.Localizer, p ImportProblem) string {
	args := map[string]any{"Value": p.Value, "Column": p.Column}
	for k, v := range p.Args {
		args[k] = v
	}
	if f, ok := args["Field"].(string); ok && f != "" && p.Column == "" {
		args["Field"] = l.Field(f)
	}
	text := l.T(p.Key, args, p.fallback)
	where := map[string]any{"Row": p.Row, "Column": p.Column, "Text": text, "File": p.File}
	if p.Column == "" {
		return l.T("import.problem.row", where, "")
	}
	return l.T("import.problem.cell", where, "")
}

// Translate fills every problem's Message in l's language.
func (r *ImportReport) Translate(l *locale.Localizer) {
	for i := range r.Problems {
		r.Problems[i].Message = ProblemText(l, r.Problems[i])
	}
}
