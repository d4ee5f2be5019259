package io.clusterfn.http;

/**
 * The input of a read by id ({@code cluster?id=}, {@code contract?id=}). A bean, not a record:
 * Funqy binds GET parameters through setters.
 */
public class IdQuery {
    public String id;

    public void setId(String id) {
        this.id = id;
    }
}
