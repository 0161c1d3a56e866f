// api.go holds the JSON API (docs/API.md): the same reads and actions as the pages, for
// marketing tools and scripts.
package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(w, http.StatusBadRequest, "limit must be a number from 1 to 500")
			return
		}
		limit = n
	}
	runs, err := s.runs(r.Context(), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": runs})
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	v, err := s.run(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// apiDecide takes {"approve": true|false}.
func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Approve *bool `json:"approve"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&body); err != nil || body.Approve == nil {
		writeError(w, http.StatusBadRequest, `send {"approve": true} or {"approve": false}`)
		return
	}
	id, dest := chi.URLParam(r, "id"), chi.URLParam(r, "destination")
	if err := s.decide(r.Context(), id, dest, *body.Approve, principal(r).Name); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"run": id, "destination": dest, "approve": *body.Approve, "by": principal(r).Name})
}

func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := s.campaigns(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": cs})
}

// apiTrigger answers 202 with a new run, or 200 with the running run it joined.
func (s *Server) apiTrigger(w http.ResponseWriter, r *http.Request) {
	st, err := s.triggerCampaign(r.Context(), chi.URLParam(r, "name"), principal(r).Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusAccepted
	if st.Joined {
		code = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/runs/"+st.WorkflowID)
	writeJSON(w, code, st)
}

func (s *Server) apiPreview(w http.ResponseWriter, r *http.Request) {
	res, err := s.preview(r.Context(), chi.URLParam(r, "name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiSync(w http.ResponseWriter, r *http.Request) {
	st, err := s.syncSource(r.Context(), chi.URLParam(r, "name"), principal(r).Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/runs/"+st.WorkflowID)
	writeJSON(w, http.StatusAccepted, st)
}

// apiProfiles finds profiles by ?email=, ?phone= or ?id=.
func (s *Server) apiProfiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 0
	var term string
	for _, k := range []string{"email", "phone", "id"} {
		if v := q.Get(k); v != "" {
			n++
			term = v
		}
	}
	if n != 1 {
		writeError(w, http.StatusBadRequest, "give exactly one of email=, phone= (E.164, e.g. +14155550123) or id=")
		return
	}
	if q.Get("phone") != "" && term[0] != '+' {
		writeError(w, http.StatusBadRequest, "phone must be in E.164 form with the country code, e.g. +14155550123")
		return
	}
	ps, err := s.findProfiles(r.Context(), term)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"profiles": emptyIfNil(ps)})
}

func (s *Server) apiProfile(w http.ResponseWriter, r *http.Request) {
	v, err := s.profile(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.Context())
	if err != nil {
		s.fail(w, r, fmt.Errorf("dashboard: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
