package digest

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// chartPNG draws the week in numbers as a bar chart: one bar per value,
// in the given colours, on a white 360×120 canvas. Mail clients show
// images, not scripts, so the chart is a PNG attached inline; the labels
// are in the HTML table beside it (a PNG has no fonts to draw them with).
func chartPNG(values []int, colours []color.RGBA) []byte {
	const w, h, pad, gap = 360, 120, 8, 12
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	n := max(len(values), 1)
	bw := (w - 2*pad - gap*(n-1)) / n
	base := h - pad
	draw.Draw(img, image.Rect(pad, base, w-pad, base+1), &image.Uniform{color.RGBA{0x99, 0x99, 0x99, 0xff}}, image.Point{}, draw.Src)
	for i, v := range values {
		x := pad + i*(bw+gap)
		top := base - (base-pad)*v/maxV
		if v > 0 && top == base {
			top = base - 1
		}
		draw.Draw(img, image.Rect(x, top, x+bw, base), &image.Uniform{colours[i%len(colours)]}, image.Point{}, draw.Src)
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}

// chartColours are the bars' colours, in the order of Numbers' fields.
var chartColours = []color.RGBA{
	{0x2a, 0x7a, 0xb8, 0xff}, // new offers
	{0xd9, 0x7b, 0x1e, 0xff}, // new needs
	{0x7a, 0x5c, 0xb8, 0xff}, // proposed
	{0x2e, 0x9a, 0x4f, 0xff}, // connected
	{0x55, 0x55, 0x55, 0xff}, // done
}
