// Package web serves Saperi over HTTP with Gin: the JSON API under /api/v1,
// its OpenAPI document, health, readiness and metrics endpoints, request
// logs, and the translation catalogs every human-facing text comes from.
//
// Handlers translate HTTP into calls on the store, the index and the
// matcher engine, passing c.Request.Context() (never *gin.Context) below
// this layer. Errors leave as application/problem+json with a stable code
// and a translated message; internal errors are logged and never shown.
package web
