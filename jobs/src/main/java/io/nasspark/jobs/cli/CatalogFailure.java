package io.nasspark.jobs.cli;

import java.sql.SQLException;

/**
 * A job stopped because the catalog's database failed (stopped, unreachable, refusing the
 * password): the message names the catalog, since the driver's own message ("terminating
 * connection due to administrator command") does not say which database it was.
 */
public final class CatalogFailure extends RuntimeException {

    CatalogFailure(String catalogUri, Throwable cause) {
        super("the catalog at " + catalogUri + " failed: " + rootMessage(cause), cause);
    }

    /** {@code e} as a catalog failure when a database error caused it, else {@code e}. */
    static RuntimeException of(RuntimeException e, String catalogUri) {
        if (catalogUri == null || !catalogUri.startsWith("jdbc:")) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Iceberg's JDBC catalog wraps SQLExceptions in its own UncheckedSQLException
            if (t instanceof SQLException || t.getClass().getSimpleName().equals("UncheckedSQLException")) {
                return new CatalogFailure(catalogUri, e);
            }
        }
        return e;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).strip().lines().findFirst().orElse("");
    }
}
