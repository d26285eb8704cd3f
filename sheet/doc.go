// Package sheet reads and writes the spreadsheets hubs keep: CSV as Excel
// writes it in Italy (semicolons, Windows-1252) or as anything else does
// (commas, UTF-8), and XLSX workbooks. It knows nothing of Saperi's
// records: a file is a header row and data rows of text, each row with the
// line number a person sees in their spreadsheet program.
package sheet
