package saperi

import "math"

// Point is an approximate location (a neighbourhood centre or a point
// rounded by the client), never a street address.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Validate reports whether p lies on the globe.
func (p Point) Validate() error {
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
		return Invalid("point", "error.point", "the point must have lat in [-90,90] and lon in [-180,180]")
	}
	return nil
}

// Approx rounds p to three decimals (about 100 m), so that a point given
// with GPS precision never reveals a home.
func (p Point) Approx() Point {
	return Point{Lat: math.Round(p.Lat*1000) / 1000, Lon: math.Round(p.Lon*1000) / 1000}
}

const earthRadiusKm = 6371.0

// DistanceKm returns the great-circle distance between a and b.
func DistanceKm(a, b Point) float64 {
	la1, la2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dla := la2 - la1
	dlo := (b.Lon - a.Lon) * math.Pi / 180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
