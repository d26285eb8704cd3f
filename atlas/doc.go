// Package atlas holds the little geography Saperi draws and guesses with:
// the neighbourhoods of Torino (names and approximate centres, written by
// the project) and the boundary of the Comune di Torino (openpolis, CC BY
// 4.0, on ISTAT data; Attribution must be shown wherever the map is).
//
// There are no official neighbourhood boundaries here: the map's cells
// are the Voronoi cells of the neighbourhood centres, clipped to the city
// boundary — each point of the city belongs to the nearest centre. They
// say where, roughly; not where a street's side belongs.
package atlas
