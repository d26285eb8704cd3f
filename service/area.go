package service

import (
	"github.com/saperi/saperi"
	"github.com/saperi/saperi/atlas"
)

// AreaPoint is the centre of a neighbourhood of Torino, for a person
// imported with an area but no point (so that distances work); nil for an
// area the atlas does not know.
func AreaPoint(area string) *saperi.Point {
	h, ok := atlas.Find(area)
	if !ok {
		return nil
	}
	return &saperi.Point{Lat: h.Lat, Lon: h.Lon}
}
