package io.vigil.exporters.elasticsearch;

/**
 * What one HTTP status (of a whole request, or of one bulk item) means for the sender. A pure
 * function, so the exactly-once rule (409 on create = already stored) is tested on its own.
 */
enum BulkStatus {
    /** 200/201: written now. */
    STORED,
    /** 409 on create: a document with this id is already there, from an earlier attempt. */
    ALREADY_STORED,
    /** 408, 429 (rejected execution), 5xx: the cluster is busy or unwell; the same request may pass later. */
    RETRIABLE,
    /** 400 (mapping, parsing), 401/403 (credentials, privileges), 404, 413 ...: the same request will fail again. */
    FATAL;

    static BulkStatus of(int status) {
        if (status >= 200 && status < 300) {
            return STORED;
        }
        if (status == 409) {
            return ALREADY_STORED;
        }
        if (status == 408 || status == 429 || status >= 500) {
            return RETRIABLE;
        }
        return FATAL;
    }

    /** What to tell an operator for a request-level failure. */
    static String hint(int status) {
        return switch (status) {
            case 401 -> "authentication failed: check the API key or username/password";
            case 403 -> "not allowed: the API key or user needs create_doc (and auto_configure) on the data stream"
                    + " and manage_index_templates for the template";
            case 404 -> "not found: check the URL's path and that the data stream can be created";
            case 413 -> "request too large: lower the batch size or raise http.max_content_length";
            default -> "";
        };
    }
}
